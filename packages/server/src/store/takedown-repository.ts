import type { Db } from './store.js';
import type { TakedownReportTable } from './schema.js';

export async function insertTakedownReport(db: Db, r: TakedownReportTable): Promise<void> {
  await db.insertInto('takedown_reports').values(r).execute();
}

export async function findTakedownReport(db: Db, id: string): Promise<TakedownReportTable | undefined> {
  return db.selectFrom('takedown_reports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Oldest first (the queue moderators work through), a page at a time after (created_at, id). */
export async function listTakedownReports(db: Db, status: string | undefined, after: { created_at: string; id: string } | undefined, limit: number): Promise<TakedownReportTable[]> {
  let q = db.selectFrom('takedown_reports').selectAll();
  if (status !== undefined) q = q.where('status', '=', status);
  if (after !== undefined) q = q.where((eb) => eb.or([eb('created_at', '>', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)])]));
  return q.orderBy('created_at').orderBy('id').limit(limit).execute();
}

export async function recordTakedownDecision(db: Db, id: string, d: Pick<TakedownReportTable, 'status' | 'decided_at' | 'decided_by' | 'decision_reason'>): Promise<number> {
  const r = await db.updateTable('takedown_reports').set(d).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** A message and every message under it (the answers and turns that follow from it). */
export async function messageSubtree(db: Db, conversationId: string, rootId: string): Promise<string[]> {
  const all = await db.selectFrom('messages').select(['id', 'parent_id']).where('conversation_id', '=', conversationId).execute();
  const children = new Map<string, string[]>();
  for (const m of all) if (m.parent_id !== null) children.set(m.parent_id, [...(children.get(m.parent_id) ?? []), m.id]);
  const out: string[] = [];
  const stack = [rootId];
  while (stack.length > 0) {
    const id = stack.pop()!;
    out.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

/** What a moderator's removal takes out of the pool. */
export interface RemovalSet {
  conversations: string[];
  messages: string[];
  feedback: string[];
}

/**
 * What removing content takes: a message and everything that follows from it, with the feedback
 * naming any of them; or (no message) the whole conversation with every feedback on it.
 */
export async function contentRemovalSet(db: Db, conversationId: string, messageId: string | null): Promise<RemovalSet> {
  if (messageId === null) {
    const messages = (await db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).execute()).map((m) => m.id);
    const feedback = (await db.selectFrom('feedback').select('id').where('conversation_id', '=', conversationId).execute()).map((f) => f.id);
    return { conversations: [conversationId], messages, feedback };
  }
  const messages = await messageSubtree(db, conversationId, messageId);
  return { conversations: [], messages, feedback: await feedbackOnMessages(db, conversationId, messages) };
}

/** Marks records removed by a moderator's decision: they stay for the audit trail but leave the pool. */
export async function markRemoved(db: Db, ids: { conversations: readonly string[]; messages: readonly string[]; feedback: readonly string[] }): Promise<void> {
  if (ids.conversations.length > 0) await db.updateTable('conversations').set({ status: 'removed' }).where('id', 'in', [...ids.conversations]).execute();
  for (let i = 0; i < ids.messages.length; i += 1000) await db.updateTable('messages').set({ status: 'removed' }).where('id', 'in', ids.messages.slice(i, i + 1000)).execute();
  for (let i = 0; i < ids.feedback.length; i += 1000) await db.updateTable('feedback').set({ status: 'removed' }).where('id', 'in', ids.feedback.slice(i, i + 1000)).execute();
}

export async function feedbackOnMessages(db: Db, conversationId: string, messageIds: readonly string[]): Promise<string[]> {
  const rows = await db.selectFrom('feedback').select(['id', 'message_id', 'payload']).where('conversation_id', '=', conversationId).execute();
  const set = new Set(messageIds);
  // An event that names a removed message anywhere (its target, a pairwise other, a ranking) goes too.
  return rows.filter((r) => (r.message_id !== null && set.has(r.message_id)) || messageIds.some((m) => r.payload.includes(JSON.stringify(m)))).map((r) => r.id);
}

/** Ids of one table a page at a time (to find a public id's record). */
export async function idPage(db: Db, table: 'conversations' | 'messages', after: string | null, limit: number): Promise<{ id: string; conversation_id: string }[]> {
  if (table === 'conversations') {
    let q = db.selectFrom('conversations').select(['id', 'id as conversation_id']);
    if (after !== null) q = q.where('id', '>', after);
    return q.orderBy('id').limit(limit).execute();
  }
  let q = db.selectFrom('messages').select(['id', 'conversation_id']);
  if (after !== null) q = q.where('id', '>', after);
  return q.orderBy('id').limit(limit).execute();
}
