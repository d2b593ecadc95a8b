import type { Conversation, Message, PoolFilter, RecordStatus } from '@openfeedback/core';
import { sql } from 'kysely';
import { selectInChunks } from './id-chunks.js';
import type { Db } from './store.js';
import type { ConversationTable, MessageTable } from './schema.js';
import { olderThan, type Keyset } from './keyset.js';
import { deleteBattlesOf } from './arena-repository.js';

export function toConversation(row: ConversationTable): Conversation {
  const { pii_removed: _removed, ...conversation } = row;
  return { ...conversation, status: row.status as RecordStatus };
}

export function toMessage(row: MessageTable): Message {
  return {
    id: row.id,
    conversation_id: row.conversation_id,
    parent_id: row.parent_id,
    role: row.role as Message['role'],
    content: row.content,
    model_id: row.model_id,
    model_version_id: row.model_version_id,
    model_name: row.model_name,
    contributor_id: row.contributor_id,
    language: row.language,
    status: row.status as RecordStatus,
    created_at: row.created_at,
    ...(row.pii_removed !== null && row.pii_removed !== undefined && { pii_removed: JSON.parse(row.pii_removed) as Record<string, number> }),
  };
}

export async function insertConversation(db: Db, c: Conversation, piiRemoved: string | null): Promise<void> {
  await db.insertInto('conversations').values({ ...c, pii_removed: piiRemoved, release_licence: null }).execute();
}

export async function touchConversation(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('conversations').set({ updated_at: at }).where('id', '=', id).execute();
}

export async function findConversation(db: Db, id: string): Promise<ConversationTable | undefined> {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listConversations(
  db: Db,
  filter: Omit<PoolFilter, 'cursor' | 'limit'>,
  after: Keyset | undefined,
  limit: number,
): Promise<ConversationTable[]> {
  let q = db.selectFrom('conversations').selectAll().where('status', '=', filter.status);
  if (filter.community_id !== undefined) q = q.where('community_id', '=', filter.community_id);
  if (filter.contributor_id !== undefined) q = q.where('contributor_id', '=', filter.contributor_id);
  if (filter.language !== undefined) q = q.where('language', '=', filter.language);
  if (filter.since !== undefined) q = q.where('created_at', '>=', filter.since);
  if (filter.until !== undefined) q = q.where('created_at', '<', filter.until);
  const modelId = filter.model_id;
  if (modelId !== undefined) {
    q = q.where((eb) =>
      eb.exists(
        eb.selectFrom('messages').select('messages.id').whereRef('messages.conversation_id', '=', 'conversations.id').where('messages.model_id', '=', modelId),
      ),
    );
  }
  if (after !== undefined) q = q.where(olderThan(after));
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** `source_meta` (JSON) is set by imports only. */
/** Messages as the privacy gate returns them: content scrubbed, `pii_removed` noted. */
export async function insertMessages(db: Db, messages: readonly (Omit<Message, 'pii_removed'> & { source_meta?: string | null; pii_removed: string | null })[]): Promise<void> {
  if (messages.length === 0) return;
  await db.insertInto('messages').values([...messages]).execute();
}

export async function listMessages(db: Db, conversationId: string): Promise<MessageTable[]> {
  return db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).orderBy('created_at').orderBy('id').execute();
}

export async function findMessages(db: Db, ids: readonly string[]): Promise<MessageTable[]> {
  return selectInChunks(ids, (chunk) => db.selectFrom('messages').selectAll().where('id', 'in', chunk).execute());
}

/** Which of these ids are already taken, by messages anywhere in the pool. */
export async function existingMessageIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const rows = await selectInChunks(ids, (chunk) => db.selectFrom('messages').select('id').where('id', 'in', chunk).execute());
  return new Set(rows.map((r) => r.id));
}

export async function findConversations(db: Db, ids: readonly string[]): Promise<ConversationTable[]> {
  return selectInChunks(ids, (chunk) => db.selectFrom('conversations').selectAll().where('id', 'in', chunk).execute());
}

/** Rows made elsewhere (imports, fixtures); privacy and licence columns default to empty. */
export async function insertConversationRows(db: Db, conversations: readonly (Omit<ConversationTable, 'pii_removed' | 'release_licence'> & Partial<Pick<ConversationTable, 'pii_removed' | 'release_licence'>>)[]): Promise<void> {
  if (conversations.length === 0) return;
  await db.insertInto('conversations').values(conversations.map((c) => ({ pii_removed: null, release_licence: null, ...c }))).execute();
}

/**
 * Deletes a conversation for good, in the caller's transaction: every feedback event on it or on
 * its messages (whoever gave it), what the queue served of it, its arena battle, its messages, the
 * conversation, and the stored answers to Idempotency-Key requests that hold its content (of `principalIds`).
 */
export async function deleteConversationRows(db: Db, id: string, principalIds: readonly string[]): Promise<void> {
  const messageIds = db.selectFrom('messages').select('id').where('conversation_id', '=', id);
  await db.deleteFrom('feedback').where((eb) => eb.or([eb('conversation_id', '=', id), eb('message_id', 'in', messageIds)])).execute();
  await db.deleteFrom('queue_assignments').where('conversation_id', '=', id).execute();
  await deleteBattlesOf(db, id);
  // One statement: messages point at their parents, and both databases check that at its end.
  await db.deleteFrom('messages').where('conversation_id', '=', id).execute();
  await db.deleteFrom('conversations').where('id', '=', id).execute();
  if (principalIds.length > 0) {
    const quoted = JSON.stringify(id).replace(/[\\%_]/g, (c) => `\\${c}`);
    await db
      .deleteFrom('idempotency_keys')
      .where('principal_id', 'in', [...principalIds])
      .where((eb) => eb.or([sql<boolean>`response_body like ${`%"id":${quoted}%`} escape '\\'`, sql<boolean>`response_body like ${`%"conversation_id":${quoted}%`} escape '\\'`]))
      .execute();
  }
}

/** The conversation, its messages and the feedback on them, by id (for tombstones). */
export async function conversationRecordIds(db: Db, id: string): Promise<{ conversations: string[]; messages: string[]; feedback: string[] }> {
  const messages = (await db.selectFrom('messages').select('id').where('conversation_id', '=', id).execute()).map((r) => r.id);
  const feedback = (await db.selectFrom('feedback').select('id').where('conversation_id', '=', id).execute()).map((r) => r.id);
  return { conversations: [id], messages, feedback };
}

/** The people who gave feedback on a conversation (its author aside, possibly). */
export async function feedbackGiversOn(db: Db, conversationId: string): Promise<string[]> {
  const rows = await db.selectFrom('feedback').select('contributor_id').distinct().where('conversation_id', '=', conversationId).execute();
  return rows.map((r) => r.contributor_id);
}
