import { referencedMessageIds, type Feedback, type FeedbackFilter, type FeedbackInput, type Page, type RubricQuestion } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import { findCommunity, toCommunity } from '../store/community-repository.js';
import { findConversation, findMessages } from '../store/conversation-repository.js';
import { findModel } from '../store/model-repository.js';
import { deleteFeedbackRow, findFeedback, insertFeedback, listFeedback as listFeedbackRows, toFeedback, toFeedbackRow } from '../store/feedback-repository.js';
import type { ConversationTable } from '../store/schema.js';
import type { Db } from '../store/store.js';
import { requireActiveConsent } from './consent.js';
import { scrubFeedback } from './privacy-gate.js';
import { forgetPoolIndexes } from './pool-model.js';
import { layTombstones } from './tombstones.js';
import { audit } from './audit.js';
import { feedbackReleaseLicence } from './release-licences.js';
import { timestamp, type ServiceContext } from './context.js';
import { decodeCursor, toPage, utcRange } from './listing.js';
import { buildFeedback } from './feedback-rules.js';
import { requireDailyCapacity } from './daily-cap.js';
import { raiseFlag } from './moderation-queue.js';
import { idempotentWrite, type IdempotencyRequest, type WriteResult } from './idempotency.js';
import { requireScope, type Principal } from './principal.js';
import { authorScope, canReadContribution, canReadConversation, readsWholePool } from './visibility.js';

/**
 * Records one feedback event. Consent, the daily cap, the event's fit to its conversation and the
 * write happen in one transaction; with an Idempotency-Key a retry returns the first event instead
 * of a copy. A flag puts its conversation in the moderation queue.
 */
export async function recordFeedback(
  ctx: ServiceContext,
  principal: Principal,
  input: FeedbackInput,
  idem?: IdempotencyRequest,
): Promise<WriteResult<Feedback>> {
  requireScope(principal, 'feedback:write');
  return idempotentWrite(ctx, principal, idem, async (trx) => {
    const consent = await requireActiveConsent(trx, principal.contributorId);
    await requireDailyCapacity(ctx, trx, principal.contributorId);
    const conversation = await findConversation(trx, input.conversation_id);
    if (conversation === undefined || !(await canReadConversation(trx, principal, conversation))) {
      throw new AppError('invalid_reference', 'no such conversation', 'conversation_id');
    }
    if (input.id !== undefined && (await findFeedback(trx, input.id)) !== undefined) {
      throw new AppError('conflict', `a feedback event with id "${input.id}" exists`, 'id');
    }
    const messages = new Map((await findMessages(trx, referencedMessageIds(input))).map((m) => [m.id, m] as const));
    const built = buildFeedback(input, {
      id: input.id ?? ctx.newId(),
      now: timestamp(ctx),
      contributorId: principal.contributorId,
      licence: consent.licence,
      conversation,
      messages,
      rubric: input.kind === 'rating' && input.question_id !== undefined ? await rubricOf(trx, conversation) : [],
    });
    const { event, pii_removed } = scrubFeedback(built);
    const release_licence = feedbackReleaseLicence(consent.licence, conversation.release_licence);
    await insertFeedback(trx, [toFeedbackRow(event, consent.id, { pii_removed, release_licence })]);
    if (event.kind === 'flag') await raiseFlag(ctx, trx, event, conversation.contributor_id);
    return { ...event, release_licence, ...(pii_removed !== null && { pii_removed: JSON.parse(pii_removed) as Record<string, number> }) };
  });
}

export async function rubricOf(db: Db, conversation: ConversationTable): Promise<RubricQuestion[]> {
  if (conversation.community_id === null) return [];
  const community = await findCommunity(db, conversation.community_id);
  return community === undefined ? [] : toCommunity(community).rubric;
}

/** A model's owner reads the feedback on it (its feedback stream), whoever gave it. */
async function ownsModel(ctx: ServiceContext, principal: Principal, modelId: string | null | undefined): Promise<boolean> {
  if (modelId === null || modelId === undefined) return false;
  const model = await findModel(ctx.store.db, modelId);
  return model !== undefined && model.id === modelId && model.owner_id === principal.contributorId;
}

export async function getFeedback(ctx: ServiceContext, principal: Principal, id: string): Promise<Feedback> {
  requireScope(principal, 'read');
  const row = await findFeedback(ctx.store.db, id);
  if (row === undefined || !(canReadContribution(principal, row.contributor_id) || (await ownsModel(ctx, principal, row.model_id)))) throw notFound('feedback');
  return toFeedback(row);
}

/**
 * Newest first. Contributors see their own events; reviewers, moderators and admins the whole pool;
 * a model's owner, filtering by that model, its whole feedback stream.
 */
export async function listFeedback(ctx: ServiceContext, principal: Principal, filter: FeedbackFilter): Promise<Page<Feedback>> {
  requireScope(principal, 'read');
  const { cursor, limit, ...rest } = filter;
  const where = { ...rest, ...utcRange(filter) };
  const author = (await ownsModel(ctx, principal, filter.model_id)) ? filter.contributor_id : authorScope(principal, filter.contributor_id);
  if (author !== undefined) where.contributor_id = author;
  const rows = await listFeedbackRows(ctx.store.db, where, decodeCursor(cursor), limit + 1);
  return toPage(rows, limit, toFeedback);
}

/** Deletes an event for good: its author may, and so may moderators and admins. */
export async function deleteFeedback(ctx: ServiceContext, principal: Principal, id: string): Promise<void> {
  requireScope(principal, 'feedback:write');
  const row = await findFeedback(ctx.store.db, id);
  if (row === undefined || !canReadContribution(principal, row.contributor_id)) throw notFound('feedback');
  const moderates = readsWholePool(principal) && principal.roles.some((r) => r === 'moderator' || r === 'admin');
  if (row.contributor_id !== principal.contributorId && !moderates) throw new AppError('forbidden', 'only the author or a moderator may delete this event');
  await ctx.store.write(async (trx) => {
    await layTombstones(ctx, trx, { feedback: [id] }, 'deleted');
    await deleteFeedbackRow(trx, id);
    if (row.contributor_id !== principal.contributorId) await audit(ctx, trx, principal, { action: 'feedback.delete', target_kind: 'feedback', target_id: id, details: { kind: row.kind, author: row.contributor_id } });
  });
  forgetPoolIndexes(ctx);
}
