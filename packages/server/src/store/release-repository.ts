import type { ConversationTable, FeedbackTable, MessageTable, ReleaseTable } from './schema.js';
import { selectInChunks } from './id-chunks.js';
import type { Db } from './store.js';

export async function insertRelease(db: Db, r: ReleaseTable): Promise<void> {
  await db.insertInto('releases').values(r).execute();
}

export async function findRelease(db: Db, version: string): Promise<ReleaseTable | undefined> {
  return db.selectFrom('releases').selectAll().where('version', '=', version).executeTakeFirst();
}

/** Newest first. */
export async function listReleases(db: Db): Promise<ReleaseTable[]> {
  return db.selectFrom('releases').selectAll().orderBy('created_at', 'desc').orderBy('version', 'desc').execute();
}

export async function updateRelease(db: Db, version: string, patch: Partial<Pick<ReleaseTable, 'status' | 'manifest' | 'error'>>): Promise<void> {
  await db.updateTable('releases').set(patch).where('version', '=', version).execute();
}

/**
 * Conversations a release may hold, a page at a time in (created_at, id) order: active (not
 * withdrawn, deleted or taken down), licence resolved, created by the cutoff.
 */
export async function releasableConversations(db: Db, cutoff: string, after: { created_at: string; id: string } | undefined, limit: number): Promise<ConversationTable[]> {
  let q = db.selectFrom('conversations').selectAll().where('status', '=', 'active').where('release_licence', 'is not', null).where('created_at', '<=', cutoff);
  if (after !== undefined) q = q.where((eb) => eb.or([eb('created_at', '>', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)])]));
  return q.orderBy('created_at').orderBy('id').limit(limit).execute();
}

export async function releasableMessages(db: Db, conversationIds: readonly string[], cutoff: string): Promise<MessageTable[]> {
  return selectInChunks(conversationIds, (chunk) =>
    db.selectFrom('messages').selectAll().where('conversation_id', 'in', chunk).where('status', '=', 'active').where('created_at', '<=', cutoff).orderBy('created_at').orderBy('id').execute(),
  );
}

export async function releasableFeedback(db: Db, conversationIds: readonly string[], cutoff: string): Promise<FeedbackTable[]> {
  return selectInChunks(conversationIds, (chunk) =>
    db
      .selectFrom('feedback')
      .selectAll()
      .where('conversation_id', 'in', chunk)
      .where('status', '=', 'active')
      .where('release_licence', 'is not', null)
      .where('created_at', '<=', cutoff)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  );
}

/** Active records of the snapshot whose licence could not be resolved (the release report counts them). */
export async function unresolvedCounts(db: Db, cutoff: string): Promise<{ conversations: number; feedback: number }> {
  const c = await db.selectFrom('conversations').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'active').where('release_licence', 'is', null).where('created_at', '<=', cutoff).executeTakeFirstOrThrow();
  const f = await db.selectFrom('feedback').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'active').where('release_licence', 'is', null).where('created_at', '<=', cutoff).executeTakeFirstOrThrow();
  return { conversations: Number(c.n), feedback: Number(f.n) };
}

/** Contributors who asked to be credited by name, under an active consent. */
export async function creditedNames(db: Db): Promise<{ contributor_id: string; name: string }[]> {
  const rows = await db
    .selectFrom('consents')
    .select(['contributor_id', 'attribution', 'attribution_name'])
    .where('withdrawn_at', 'is', null)
    .orderBy('contributor_id')
    .orderBy('accepted_at', 'desc')
    .execute();
  const seen = new Set<string>();
  const out: { contributor_id: string; name: string }[] = [];
  // Each person's latest consent decides.
  for (const r of rows) {
    if (seen.has(r.contributor_id)) continue;
    seen.add(r.contributor_id);
    if (r.attribution === 'name' && r.attribution_name !== null) out.push({ contributor_id: r.contributor_id, name: r.attribution_name });
  }
  return out;
}

/** How many conversations a release with this cutoff reads (for progress bars). */
export async function countReleasableConversations(db: Db, cutoff: string): Promise<number> {
  const r = await db.selectFrom('conversations').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'active').where('release_licence', 'is not', null).where('created_at', '<=', cutoff).executeTakeFirstOrThrow();
  return Number(r.n);
}
