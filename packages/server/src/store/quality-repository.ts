import { selectInChunks } from './id-chunks.js';
import type { ContributorQualityTable } from './schema.js';
import type { Db } from './store.js';

/**
 * Feedback events the contributor recorded since `since`, counted up to `upTo` (the daily cap):
 * the index on (contributor_id, created_at) is walked no further than the cap, however busy the account.
 */
export async function countFeedbackSince(db: Db, contributorId: string, since: string, upTo: number): Promise<number> {
  const row = await db
    .selectFrom((eb) => eb.selectFrom('feedback').select('id').where('contributor_id', '=', contributorId).where('created_at', '>=', since).limit(upTo).as('recent'))
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface JudgementEvent {
  id: string;
  contributor_id: string;
  conversation_id: string;
  message_id: string;
  kind: string;
  payload: string;
  provenance: string;
  created_at: string;
}

/**
 * Active thumbs and ratings on answers by people of this server (not imported datasets, whose
 * events may stand for several people), a page at a time in id order: what trust is learnt from.
 */
export async function* judgementEvents(db: Db, pageSize = 10_000): AsyncGenerator<JudgementEvent[]> {
  let after: string | null = null;
  for (;;) {
    let q = db
      .selectFrom('feedback')
      .innerJoin('contributors', 'contributors.id', 'feedback.contributor_id')
      .select(['feedback.id', 'feedback.contributor_id', 'feedback.conversation_id', 'feedback.message_id', 'feedback.kind', 'feedback.payload', 'feedback.provenance', 'feedback.created_at'])
      .where('feedback.kind', 'in', ['thumbs', 'rating'])
      .where('feedback.status', '=', 'active')
      .where('feedback.message_id', 'is not', null)
      .where('contributors.source', 'is', null);
    if (after !== null) q = q.where('feedback.id', '>', after);
    const rows = (await q.orderBy('feedback.id').limit(pageSize).execute()) as JudgementEvent[];
    if (rows.length === 0) return;
    yield rows;
    after = rows.at(-1)!.id;
  }
}

/** Active `flag` events given by others on each person's conversations, by the conversation's author. */
export async function flagsReceived(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('feedback')
    .innerJoin('conversations', 'conversations.id', 'feedback.conversation_id')
    .select(['conversations.contributor_id as author', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('feedback.kind', '=', 'flag')
    .where('feedback.status', '=', 'active')
    .whereRef('feedback.contributor_id', '<>', 'conversations.contributor_id')
    .groupBy('conversations.contributor_id')
    .execute();
  return new Map(rows.map((r) => [r.author, Number(r.n)] as const));
}

type Computed = Omit<ContributorQualityTable, 'restricted_at' | 'restricted_reason'>;
const COMPUTED: readonly (keyof Computed)[] = [
  'trust', 'gold_answers', 'gold_correct', 'consensus_votes', 'consensus_agreements', 'votes_up', 'votes_down', 'agreement_p',
  'cross_account_duplicates', 'duplicate_accounts', 'repeated_prompts', 'flags_received', 'suspicion', 'evidence', 'computed_at',
];

/** Writes the pass's figures (a moderator's restriction stays), and the trust onto the contributor. */
export async function saveQuality(db: Db, rows: readonly Computed[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500).map((r) => ({ ...r, restricted_at: null, restricted_reason: null }));
    await db
      .insertInto('contributor_quality')
      .values(chunk)
      .onConflict((oc) => oc.column('contributor_id').doUpdateSet((eb) => Object.fromEntries(COMPUTED.map((c) => [c, eb.ref(`excluded.${c}`)]))))
      .execute();
  }
  for (const r of rows) await db.updateTable('contributors').set({ trust: r.trust }).where('id', '=', r.contributor_id).execute();
}

/** Everyone with figures from an earlier pass (or a restriction). */
export async function qualityContributorIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('contributor_quality').select('contributor_id').execute()).map((r) => r.contributor_id);
}

export function emptyQuality(contributorId: string): Computed {
  return {
    contributor_id: contributorId, trust: 0, gold_answers: 0, gold_correct: 0, consensus_votes: 0, consensus_agreements: 0, votes_up: 0, votes_down: 0,
    agreement_p: null, cross_account_duplicates: 0, duplicate_accounts: 0, repeated_prompts: 0, flags_received: 0, suspicion: 0, evidence: '[]', computed_at: null,
  };
}

export async function findQuality(db: Db, contributorId: string): Promise<ContributorQualityTable | undefined> {
  return db.selectFrom('contributor_quality').selectAll().where('contributor_id', '=', contributorId).executeTakeFirst();
}

export async function restrictedContributorIds(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('contributor_quality').select('contributor_id').where('restricted_at', 'is not', null).execute();
  return new Set(rows.map((r) => r.contributor_id));
}

export async function isRestricted(db: Db, contributorId: string): Promise<boolean> {
  const row = await db.selectFrom('contributor_quality').select('restricted_at').where('contributor_id', '=', contributorId).executeTakeFirst();
  return row?.restricted_at != null;
}

/** A moderator restricts an account: its votes weigh nothing from now on, and the queue serves it nothing. */
export async function restrictContributor(db: Db, contributorId: string, at: string, reason: string): Promise<void> {
  await db
    .insertInto('contributor_quality')
    .values({ ...emptyQuality(contributorId), restricted_at: at, restricted_reason: reason })
    .onConflict((oc) => oc.column('contributor_id').doUpdateSet({ restricted_at: at, restricted_reason: reason, trust: 0 }))
    .execute();
  await db.updateTable('contributors').set({ trust: 0 }).where('id', '=', contributorId).execute();
}

/** The most suspicious accounts first, with their handles. */
export async function listSuspicious(db: Db, minScore: number, limit: number) {
  return db
    .selectFrom('contributor_quality')
    .innerJoin('contributors', 'contributors.id', 'contributor_quality.contributor_id')
    .selectAll('contributor_quality')
    .select(['contributors.handle', 'contributors.created_at as account_created_at'])
    .where('contributor_quality.suspicion', '>=', minScore)
    .orderBy('contributor_quality.suspicion', 'desc')
    .orderBy('contributor_quality.contributor_id')
    .limit(limit)
    .execute();
}

/** The trust of each of these people, as stored on their accounts. */
export async function trustOf(db: Db, ids: readonly string[]): Promise<Map<string, number>> {
  const rows = await selectInChunks(ids, (chunk) => db.selectFrom('contributors').select(['id', 'trust']).where('id', 'in', chunk).execute());
  return new Map(rows.map((r) => [r.id, r.trust] as const));
}
