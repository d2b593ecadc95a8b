import type { Conversation, ConversationInput, ConversationWithMessages, MessageInput, Message, Page, PoolFilter } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import { findCommunity } from '../store/community-repository.js';
import {
  conversationRecordIds,
  deleteConversationRows,
  feedbackGiversOn,
  findConversation,
  insertConversation,
  insertMessages,
  listConversations as listConversationRows,
  listMessages,
  toConversation,
  toMessage,
  touchConversation,
} from '../store/conversation-repository.js';
import { listApiKeys } from '../store/credential-repository.js';
import type { Db } from '../store/store.js';
import { requireActiveConsent } from './consent.js';
import { piiColumn, scrub, scrubMessage } from './privacy-gate.js';
import { refreshReleaseLicences } from './release-licences.js';
import { forgetPoolIndexes } from './pool-model.js';
import { layTombstones } from './tombstones.js';
import { timestamp, type ServiceContext } from './context.js';
import { decodeCursor, toPage, utcRange } from './listing.js';
import { idempotentWrite, type IdempotencyRequest, type WriteResult } from './idempotency.js';
import { planMessages } from './message-plan.js';
import { accountPrincipalKey, apiKeyPrincipalKey, requireScope, type Principal } from './principal.js';
import { authorScope, canReadConversation } from './visibility.js';

/** Where a conversation came from when it was not typed into this server (imports set their own). */
export const NATIVE_SOURCE = 'openfeedback';

/** Starts a conversation (optionally with its first messages) for a consenting contributor. */
export async function createConversation(
  ctx: ServiceContext,
  principal: Principal,
  input: ConversationInput,
  idem?: IdempotencyRequest,
): Promise<WriteResult<ConversationWithMessages>> {
  requireScope(principal, 'conversations:write');
  return idempotentWrite(ctx, principal, idem, (trx) => insertNewConversation(ctx, trx, principal.contributorId, input, NATIVE_SOURCE));
}

/** The write itself, inside the caller's transaction: used by the API and by bulk ingest. */
export async function insertNewConversation(
  ctx: ServiceContext,
  trx: Db,
  contributorId: string,
  input: ConversationInput,
  source: string,
): Promise<ConversationWithMessages> {
  const consent = await requireActiveConsent(trx, contributorId);
  let communityId: string | null = null;
  if (input.community_id !== undefined) {
    const community = await findCommunity(trx, input.community_id);
    if (community === undefined) throw new AppError('invalid_reference', 'no such community', 'community_id');
    communityId = community.id;
  }
  const id = input.id ?? ctx.newId();
  if (input.id !== undefined && (await findConversation(trx, input.id)) !== undefined) {
    throw new AppError('conflict', `a conversation with id "${input.id}" exists`, 'id');
  }
  const now = timestamp(ctx);
  const title = input.title === undefined ? null : scrub(input.title);
  const conversation: Conversation = {
    id,
    community_id: communityId,
    contributor_id: contributorId,
    title: title?.text ?? null,
    language: input.language ?? null,
    source,
    // The author's grant, from the consent this write is made under.
    licence: consent.licence,
    status: 'active',
    created_at: now,
    updated_at: now,
  };
  const planned = await planMessages(trx, ctx.newId, { conversationId: id, language: conversation.language, existing: [], authorId: contributorId, createdAt: now, fieldPrefix: 'messages' }, input.messages);
  const messages = planned.map(scrubMessage);
  await insertConversation(trx, conversation, title === null ? null : piiColumn(title.removed));
  await insertMessages(trx, messages);
  await refreshReleaseLicences(trx, [id]);
  return { ...conversation, messages: messages.map(withoutColumns) };
}

/**
 * Adds one message. Without `parent_id` it continues the latest message; with the id of an earlier
 * message it starts a branch (a regeneration or an edit), a sibling of that message's children.
 */
export async function appendMessage(
  ctx: ServiceContext,
  principal: Principal,
  conversationId: string,
  input: MessageInput,
  idem?: IdempotencyRequest,
): Promise<WriteResult<Message>> {
  requireScope(principal, 'conversations:write');
  return idempotentWrite(ctx, principal, idem, async (trx) => {
    const conversation = await findConversation(trx, conversationId);
    if (conversation === undefined || !(await canReadConversation(trx, principal, conversation))) throw notFound('conversation');
    if (conversation.contributor_id !== principal.contributorId) throw new AppError('forbidden', 'only the author can add turns to a conversation');
    if (conversation.status !== 'active') throw new AppError('conflict', `the conversation is ${conversation.status}`);
    await requireActiveConsent(trx, principal.contributorId);
    const now = timestamp(ctx);
    const existing = await listMessages(trx, conversationId);
    const [planned] = await planMessages(trx, ctx.newId, { conversationId, language: conversation.language, existing, authorId: principal.contributorId, createdAt: now, fieldPrefix: '' }, [input]);
    const message = scrubMessage(planned!);
    await insertMessages(trx, [message]);
    await touchConversation(trx, conversationId, now);
    await refreshReleaseLicences(trx, [conversationId]);
    return withoutColumns(message);
  });
}

export async function getConversation(ctx: ServiceContext, principal: Principal, id: string): Promise<ConversationWithMessages> {
  requireScope(principal, 'read');
  const row = await findConversation(ctx.store.db, id);
  if (row === undefined || !(await canReadConversation(ctx.store.db, principal, row))) throw notFound('conversation');
  const messages = await listMessages(ctx.store.db, id);
  return { ...toConversation(row), messages: messages.map(toMessage) };
}

export async function listConversations(ctx: ServiceContext, principal: Principal, filter: PoolFilter): Promise<Page<Conversation>> {
  requireScope(principal, 'read');
  const scoped = { ...filter, contributor_id: authorScope(principal, filter.contributor_id) };
  const rows = await listConversationRows(ctx.store.db, withoutUndefined({ ...scoped, ...utcRange(filter) }), decodeCursor(filter.cursor), filter.limit + 1);
  return toPage(rows, filter.limit, toConversation);
}

/**
 * The author deletes their conversation for good: its messages, every feedback event on it (other
 * people's too: they were about this text), what the queue served of it, and the stored replies to
 * Idempotency-Key retries that hold its content. Copies already published in a release stay there.
 */
export async function deleteConversation(ctx: ServiceContext, principal: Principal, id: string): Promise<void> {
  requireScope(principal, 'conversations:write');
  await ctx.store.write(async (trx) => {
    const conversation = await findConversation(trx, id);
    if (conversation === undefined || !(await canReadConversation(trx, principal, conversation))) throw notFound('conversation');
    if (conversation.contributor_id !== principal.contributorId) throw new AppError('forbidden', 'only the author can delete a conversation');
    const people = new Set([conversation.contributor_id, ...(await feedbackGiversOn(trx, id))]);
    const principals = [...people].map(accountPrincipalKey);
    for (const person of people) for (const key of await listApiKeys(trx, person)) principals.push(apiKeyPrincipalKey(key.id));
    await layTombstones(ctx, trx, await conversationRecordIds(trx, id), 'deleted');
    await deleteConversationRows(trx, id, principals);
  });
  forgetPoolIndexes(ctx);
}

/** The message as the API shows it: what the privacy gate removed, as counts. */
export function withoutColumns(m: Omit<Message, 'pii_removed'> & { pii_removed: string | null }): Message {
  const { pii_removed, ...message } = m;
  return pii_removed === null ? message : { ...message, pii_removed: JSON.parse(pii_removed) as Record<string, number> };
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
