import { sql } from 'kysely';
import { selectInChunks } from './id-chunks.js';
import type { ConsentTable, ConversationTable, FeedbackTable, MessageTable } from './schema.js';
import type { Db } from './store.js';

/*
 * Everything stored about one person, whatever its status (active, withdrawn, removed): what the
 * "my data" page counts and what its export holds.
 */

const count = sql<number | string>`count(*)`.as('n');

export interface MyCounts {
  conversations: number;
  messages: number;
  feedbackByKind: Record<string, number>;
  thirdPartyFeedback: number;
  servedFromQueue: number;
}

export async function countMyRecords(db: Db, contributorId: string): Promise<MyCounts> {
  const [conversations, messages, byKind, thirdParty, served] = await Promise.all([
    db.selectFrom('conversations').select(count).where('contributor_id', '=', contributorId).executeTakeFirstOrThrow(),
    db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select(count)
      .where('conversations.contributor_id', '=', contributorId)
      .executeTakeFirstOrThrow(),
    db.selectFrom('feedback').select(['kind', count]).where('contributor_id', '=', contributorId).groupBy('kind').orderBy('kind').execute(),
    db.selectFrom('feedback').select(count).where('contributor_id', '=', contributorId).where('annotator_role', '=', 'third_party').executeTakeFirstOrThrow(),
    db.selectFrom('queue_assignments').select(count).where('contributor_id', '=', contributorId).executeTakeFirstOrThrow(),
  ]);
  return {
    conversations: Number(conversations.n),
    messages: Number(messages.n),
    feedbackByKind: Object.fromEntries(byKind.map((r) => [r.kind, Number(r.n)])),
    thirdPartyFeedback: Number(thirdParty.n),
    servedFromQueue: Number(served.n),
  };
}

/** Oldest first, a page at a time after `after`. */
export async function pageMyConversations(db: Db, contributorId: string, after: { created_at: string; id: string } | undefined, limit: number): Promise<ConversationTable[]> {
  let q = db.selectFrom('conversations').selectAll().where('contributor_id', '=', contributorId);
  if (after !== undefined) q = q.where((eb) => eb.or([eb('created_at', '>', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)])]));
  return q.orderBy('created_at').orderBy('id').limit(limit).execute();
}

/** Every message of these conversations, whatever its status. */
export async function messagesOfConversations(db: Db, conversationIds: readonly string[]): Promise<MessageTable[]> {
  return selectInChunks(conversationIds, (chunk) => db.selectFrom('messages').selectAll().where('conversation_id', 'in', chunk).orderBy('created_at').orderBy('id').execute());
}

export async function pageMyFeedback(db: Db, contributorId: string, after: { created_at: string; id: string } | undefined, limit: number): Promise<FeedbackTable[]> {
  let q = db.selectFrom('feedback').selectAll().where('contributor_id', '=', contributorId);
  if (after !== undefined) q = q.where((eb) => eb.or([eb('created_at', '>', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)])]));
  return q.orderBy('created_at').orderBy('id').limit(limit).execute();
}

/** Every consent the person gave, oldest first (the history, not only the latest). */
export async function listMyConsents(db: Db, contributorId: string): Promise<ConsentTable[]> {
  return db.selectFrom('consents').selectAll().where('contributor_id', '=', contributorId).orderBy('id').execute();
}
