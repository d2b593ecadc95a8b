import { selectInChunks } from './id-chunks.js';
import type { FeedbackTable } from './schema.js';
import type { Db } from './store.js';

/*
 * What the built-in pool model reads: the prompts of a community (to index them), and, fresh for
 * every answer, the prompts it found, their answers and the feedback on those answers. Every read
 * keeps to active records of active conversations, so withdrawn or removed content is never answered.
 */

export interface PromptText {
  id: string;
  content: string;
}

export interface PoolPrompt extends PromptText {
  conversation_id: string;
}

export interface PoolAnswerRow {
  id: string;
  parent_id: string;
  conversation_id: string;
  content: string;
  created_at: string;
}

/**
 * Every prompt (active user turn of an active conversation) of a community, to build its index.
 * One join, all at once: paging by conversation (2,000 ids a page in an IN list) took PostgreSQL
 * about 4 s for 100k prompts, against 0.2-0.5 s for this on either database.
 */
export async function communityPrompts(db: Db, communityId: string): Promise<PromptText[]> {
  return db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['messages.id', 'messages.content'])
    .where('conversations.community_id', '=', communityId)
    .where('conversations.status', '=', 'active')
    .where('messages.role', '=', 'user')
    .where('messages.status', '=', 'active')
    .execute();
}

/**
 * The prompts of a community whose ids lie strictly between `low` and `high` and that `known` does
 * not hold: with time-ordered ids (UUIDv7) that is what was written in a window of time, read through
 * the primary key alone. Ids first, then the text of the new ones only, and no join, so that neither
 * database plans it as a walk over the community's conversations.
 */
export async function newPromptsInIdRange(db: Db, communityId: string, low: string, high: string, known: (id: string) => boolean): Promise<PromptText[]> {
  const rows = await db.selectFrom('messages').select(['id', 'conversation_id']).where('id', '>', low).where('id', '<', high).where('role', '=', 'user').where('status', '=', 'active').execute();
  const unknown = rows.filter((r) => !known(r.id));
  if (unknown.length === 0) return [];
  const inCommunity = await activeConversationsOf(db, communityId, unknown.map((r) => r.conversation_id));
  const wanted = unknown.filter((r) => inCommunity.has(r.conversation_id)).map((r) => r.id);
  return selectInChunks(wanted, (chunk) => db.selectFrom('messages').select(['id', 'content']).where('id', 'in', chunk).execute());
}

/** These prompts as they are now: those still active, in an active conversation of the community. */
export async function findPoolPrompts(db: Db, communityId: string, ids: readonly string[]): Promise<PoolPrompt[]> {
  const rows = await selectInChunks(ids, (chunk) =>
    db.selectFrom('messages').select(['id', 'content', 'conversation_id']).where('id', 'in', chunk).where('role', '=', 'user').where('status', '=', 'active').execute(),
  );
  const inCommunity = await activeConversationsOf(db, communityId, rows.map((r) => r.conversation_id));
  return rows.filter((r) => inCommunity.has(r.conversation_id));
}

/** The active assistant answers to these prompts. */
export async function findPoolAnswers(db: Db, promptIds: readonly string[]): Promise<PoolAnswerRow[]> {
  const rows = await selectInChunks(promptIds, (chunk) =>
    db
      .selectFrom('messages')
      .select(['id', 'parent_id', 'conversation_id', 'content', 'created_at'])
      .where('parent_id', 'in', chunk)
      .where('role', '=', 'assistant')
      .where('status', '=', 'active')
      .execute(),
  );
  return rows.map((r) => ({ ...r, parent_id: r.parent_id! }));
}

/**
 * The active feedback that can be about these answers: on them, on their whole conversation, or
 * comparing them (a pairwise event names its second answer, a ranking all of them, in its payload).
 * Read by conversation, which is indexed; events always stay inside their conversation.
 */
export async function findPoolFeedback(db: Db, conversationIds: readonly string[], answerIds: readonly string[]): Promise<FeedbackTable[]> {
  const answers = [...new Set(answerIds)];
  return selectInChunks(conversationIds, (chunk) =>
    db
      .selectFrom('feedback')
      .selectAll()
      .where('conversation_id', 'in', chunk)
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('message_id', 'is', null), eb('kind', '=', 'pairwise'), ...(answers.length === 0 ? [] : [eb('message_id', 'in', answers)])]))
      .execute(),
  );
}

/**
 * Which of these conversations are active ones of the community. Filtered here rather than in SQL:
 * given `community_id = ?`, SQLite walked the community's index (100k entries, 25 ms) instead of
 * looking the ids up.
 */
async function activeConversationsOf(db: Db, communityId: string, ids: readonly string[]): Promise<Set<string>> {
  const rows = await selectInChunks(ids, (chunk) => db.selectFrom('conversations').select(['id', 'community_id', 'status']).where('id', 'in', chunk).execute());
  return new Set(rows.filter((r) => r.community_id === communityId && r.status === 'active').map((r) => r.id));
}
