import type { ChatEvent, ChatFailure, ChatRequest, Message, Model } from '@openfeedback/core';
import { pathTo } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import { GatewayError, streamCompletion, type ChatTurn, type GatewayFailure } from '../gateway/model-gateway.js';
import { findConversation, insertMessages, listMessages, toMessage, touchConversation } from '../store/conversation-repository.js';
import { findModel, listModelVersions, toModel } from '../store/model-repository.js';
import { insertFeedback, toFeedbackRow } from '../store/feedback-repository.js';
import { scrubMessage } from './privacy-gate.js';
import { feedbackReleaseLicence, refreshReleaseLicences } from './release-licences.js';
import { withoutColumns } from './conversations.js';
import { requireActiveConsent } from './consent.js';
import { remainingDailyFeedback } from './daily-cap.js';
import { timestamp, type ServiceContext } from './context.js';
import { appendMessage, createConversation } from './conversations.js';
import { poolModelAnswer } from './pool-model.js';
import { requireScope, type Principal } from './principal.js';
import { buildFeedback } from './feedback-rules.js';
import { canReadContribution } from './visibility.js';

/** A chat checked and (when recorded) with its user turn stored: ready to stream the answer. */
export interface ChatPlan {
  model: Model;
  turns: ChatTurn[];
  record: boolean;
  conversationId: string | null;
  userMessage: Message | null;
  /** The user turn the answer replies to (recorded chats). */
  parentId: string | null;
  regenerateOf: string | null;
  /** The pool answer the built-in pool model gave (set while answering), kept with the stored answer. */
  poolSource?: string | null;
}

/**
 * Everything that can be refused before the answer starts (scope, consent, the model, the tree), so
 * that it is refused as a plain HTTP error; a recorded user turn is stored here.
 */
export async function prepareChat(ctx: ServiceContext, principal: Principal, req: ChatRequest): Promise<ChatPlan> {
  requireScope(principal, 'conversations:write');
  const modelRow = await findModel(ctx.store.db, req.model_id);
  if (modelRow === undefined) throw new AppError('invalid_reference', 'no such model', 'model_id');
  const model = toModel(modelRow);
  if (!req.record) {
    const turns: ChatTurn[] = [...(req.history ?? []), { role: 'user', content: req.content! }];
    return { model, turns, record: false, conversationId: null, userMessage: null, parentId: null, regenerateOf: null };
  }
  if (req.regenerate_of !== undefined && req.content !== undefined) {
    throw new AppError('validation_failed', 'regenerate_of goes with a regeneration (no content), not with a new turn', 'regenerate_of');
  }
  // Every check before the user turn is stored: a refused chat stores nothing.
  let conversationId = req.conversation_id ?? null;
  if (conversationId !== null) {
    const conversation = await findConversation(ctx.store.db, conversationId);
    if (conversation === undefined || !canReadContribution(principal, conversation.contributor_id)) throw notFound('conversation');
    if (conversation.contributor_id !== principal.contributorId) throw new AppError('forbidden', 'only the author can continue a conversation');
    if (req.content === undefined) {
      await requireActiveConsent(ctx.store.db, principal.contributorId);
      const messages = await listMessages(ctx.store.db, conversationId);
      const parent = messages.find((m) => m.id === req.parent_id);
      if (parent === undefined || parent.role !== 'user') throw new AppError('invalid_tree', 'an answer replies to a user turn of this conversation', 'parent_id');
      if (req.regenerate_of !== undefined && messages.find((m) => m.id === req.regenerate_of)?.parent_id !== parent.id) {
        throw new AppError('invalid_reference', 'regenerate_of must be an answer to parent_id', 'regenerate_of');
      }
    }
  }
  let userMessage: Message | null = null;
  if (conversationId === null) {
    const created = await createConversation(ctx, principal, { community_id: req.community_id ?? model.community_id, title: titleOf(req.content!), messages: [{ role: 'user', content: req.content! }] });
    conversationId = created.body.id;
    userMessage = created.body.messages[0]!;
  } else if (req.content !== undefined) {
    userMessage = (await appendMessage(ctx, principal, conversationId, { role: 'user', content: req.content, parent_id: req.parent_id ?? null })).body;
  }
  const messages = (await listMessages(ctx.store.db, conversationId)).map(toMessage);
  const parentId = userMessage?.id ?? req.parent_id!;
  const turns = pathTo(messages, parentId).map((m) => ({ role: m.role, content: m.content }));
  return { model, turns, record: true, conversationId, userMessage, parentId, regenerateOf: req.regenerate_of ?? null };
}

/** A conversation is named after the start of its first question, on one line. */
export function titleOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= 80 ? line : `${line.slice(0, 79).trimEnd()}…`;
}

/** What the person is told when a model fails (the arena says the same). */
export const CHAT_FAILURES: Record<GatewayFailure, ChatFailure> = {
  rate_limited: 'model_rate_limited',
  unavailable: 'model_unavailable',
  timeout: 'model_timeout',
  interrupted: 'model_interrupted',
  rejected: 'model_rejected',
};

/**
 * Streams the answer and, once it is whole, stores it: an answer that fails or is stopped is never
 * stored (the person sees what came and can ask again), so the pool holds no half turn as whole.
 */
export async function* runChat(ctx: ServiceContext, principal: Principal, plan: ChatPlan, signal: AbortSignal): AsyncGenerator<ChatEvent> {
  if (plan.record) yield { type: 'turn', conversation_id: plan.conversationId, user_message: plan.userMessage };
  let text = '';
  try {
    for await (const delta of answerTokens(ctx, plan, signal)) {
      text += delta;
      yield { type: 'token', text: delta };
    }
  } catch (e) {
    if (signal.aborted) return;
    if (!(e instanceof GatewayError)) throw e;
    yield { type: 'error', code: CHAT_FAILURES[e.failure], message: e.message, partial: text };
    return;
  }
  if (signal.aborted) return;
  const message = plan.record ? await storeAnswer(ctx, principal, plan, text) : null;
  yield { type: 'done', message, text };
}

/**
 * The answer of the plan's model, delta by delta: from its endpoint through the gateway, or from the
 * built-in pool model (base_url null), which sets `plan.poolSource`. Used by chat and the arena.
 */
export async function* answerTokens(ctx: ServiceContext, plan: Pick<ChatPlan, 'model' | 'turns' | 'conversationId' | 'poolSource'>, signal: AbortSignal): AsyncGenerator<string> {
  if (plan.model.base_url === null) {
    // The built-in pool model answers at once; it is streamed word by word like any model.
    const answer = await poolModelAnswer(ctx, plan.model, plan.turns, { conversationId: plan.conversationId });
    plan.poolSource = answer.source_message_id;
    for (const piece of answer.text.match(/\S+\s*|\s+/g) ?? []) {
      if (signal.aborted) return;
      yield piece;
    }
    return;
  }
  const apiKey = plan.model.api_key_env === null ? null : (process.env[plan.model.api_key_env] ?? null);
  const limits = { firstTokenMs: ctx.config.gatewayFirstTokenSeconds * 1000, idleMs: ctx.config.gatewayIdleSeconds * 1000, retries: ctx.config.gatewayRetries };
  yield* streamCompletion({ baseUrl: plan.model.base_url, model: plan.model.model_name, apiKey }, plan.turns, signal, limits);
}

async function storeAnswer(ctx: ServiceContext, principal: Principal, plan: ChatPlan, text: string): Promise<Message> {
  const versions = await listModelVersions(ctx.store.db, plan.model.id);
  return ctx.store.write(async (trx) => {
    const consent = await requireActiveConsent(trx, principal.contributorId);
    const now = timestamp(ctx);
    const message: Message = {
      id: ctx.newId(),
      conversation_id: plan.conversationId!,
      parent_id: plan.parentId,
      role: 'assistant',
      content: text === '' ? '(empty answer)' : text,
      model_id: plan.model.id,
      model_version_id: versions[0]?.id ?? null,
      model_name: null,
      contributor_id: null,
      language: null,
      status: 'active',
      created_at: now,
    };
    // An answer of the pool model remembers the pool answer it repeats: withdrawing or taking down
    // the original can then reach its copies.
    const stored = scrubMessage({ ...message, source_meta: plan.poolSource ? JSON.stringify({ pool_answer_of: plan.poolSource }) : null });
    await insertMessages(trx, [stored]);
    await touchConversation(trx, plan.conversationId!, now);
    await refreshReleaseLicences(trx, [plan.conversationId!]);
    // Asking again is an implicit "not good enough" for the answer it replaces: a feedback event,
    // left out (the answer is kept) once the account reached its daily feedback cap.
    if (plan.regenerateOf !== null && (await remainingDailyFeedback(ctx, trx, principal.contributorId)) >= 1) {
      const conversation = (await findConversation(trx, plan.conversationId!))!;
      const replaced = (await listMessages(trx, plan.conversationId!)).filter((m) => m.id === plan.regenerateOf);
      const event = buildFeedback(
        { kind: 'regenerate', conversation_id: conversation.id, message_id: plan.regenerateOf, provenance: { type: 'human' }, methodology_version: 'of-1' },
        { id: ctx.newId(), now, contributorId: principal.contributorId, licence: consent.licence, conversation, messages: new Map(replaced.map((m) => [m.id, m] as const)), rubric: [] },
      );
      await insertFeedback(trx, [toFeedbackRow(event, consent.id, { pii_removed: null, release_licence: feedbackReleaseLicence(consent.licence, conversation.release_licence) })]);
    }
    const { source_meta: _meta, ...shown } = stored;
    return withoutColumns(shown);
  });
}
