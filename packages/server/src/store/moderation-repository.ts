import type { ModerationItemTable } from './schema.js';
import type { Db } from './store.js';

/** Adds an item unless one with its dedupe key was ever raised; true when it was added. */
export async function raiseModerationItem(db: Db, row: ModerationItemTable): Promise<boolean> {
  const r = await db.insertInto('moderation_items').values(row).onConflict((oc) => oc.column('dedupe_key').doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function findModerationItem(db: Db, id: string): Promise<ModerationItemTable | undefined> {
  return db.selectFrom('moderation_items').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Oldest first (the order reviewers work through), a page at a time after (created_at, id). */
export async function listModerationItems(db: Db, status: string | undefined, after: { created_at: string; id: string } | undefined, limit: number): Promise<ModerationItemTable[]> {
  let q = db.selectFrom('moderation_items').selectAll();
  if (status !== undefined) q = q.where('status', '=', status);
  if (after !== undefined) q = q.where((eb) => eb.or([eb('created_at', '>', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)])]));
  return q.orderBy('created_at').orderBy('id').limit(limit).execute();
}

/** Records a decision on an open item; 0 when it was no longer open (decided meanwhile). */
export async function decideModerationItem(db: Db, id: string, d: Pick<ModerationItemTable, 'status' | 'decided_at' | 'decided_by' | 'decision_reason'>): Promise<number> {
  const r = await db.updateTable('moderation_items').set(d).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Active `flag` events on a conversation (or one message of it): their reasons, counted. */
export async function flagReasons(db: Db, conversationId: string, messageId: string | null): Promise<Record<string, number>> {
  let q = db.selectFrom('feedback').select('payload').where('conversation_id', '=', conversationId).where('kind', '=', 'flag').where('status', '=', 'active');
  q = messageId === null ? q.where('message_id', 'is', null) : q.where('message_id', '=', messageId);
  const out: Record<string, number> = {};
  for (const r of await q.execute()) {
    const reason = (JSON.parse(r.payload) as { reason?: string }).reason ?? 'other';
    out[reason] = (out[reason] ?? 0) + 1;
  }
  return out;
}
