import type { ArenaEvent, ArenaInvalidReason, ArenaSide, Message } from '@openfeedback/core';
import { AppError } from '../errors.js';
import { GatewayError } from '../gateway/model-gateway.js';
import { closeBattle, setTurnAnswer } from '../store/arena-repository.js';
import { insertMessages, touchConversation } from '../store/conversation-repository.js';
import { revealModels } from './arena-reveal.js';
import { SIDES, type ArenaTurnPlan } from './arena.js';
import { answerTokens, CHAT_FAILURES } from './chat.js';
import { requireActiveConsent } from './consent.js';
import { timestamp, type ServiceContext } from './context.js';
import { withoutColumns } from './conversations.js';
import { scrubMessage } from './privacy-gate.js';
import { refreshReleaseLicences } from './release-licences.js';
import type { Principal } from './principal.js';

/** How one side's answer ended: stored whole, failed (the model), or stopped (the person left, or their consent ended). */
type SideOutcome = { kind: 'answered' } | { kind: 'failed'; fault?: unknown } | { kind: 'stopped' };

/**
 * Both answers of a turn, streamed at once into one sequence of events tagged with their side; each
 * answer is stored (scrubbed, naming no model) as soon as it is whole. A turn that does not end with
 * both answers whole closes the battle as invalid (nothing to compare), and its names are shown.
 * Faults of the server are thrown after `end`, for the route to log.
 */
export async function* runBattleTurn(ctx: ServiceContext, principal: Principal, plan: ArenaTurnPlan, signal: AbortSignal): AsyncGenerator<ArenaEvent> {
  yield { type: 'start', battle_id: plan.battle.id, conversation_id: plan.battle.conversation_id, prompts: plan.prompts };
  const queue = new EventQueue<ArenaEvent>();
  const sides = Promise.all(SIDES.map((side) => answerSide(ctx, principal, plan, side, signal, (e) => queue.push(e)))).finally(() => queue.close());
  yield* queue.drain();
  const outcomes = await sides;
  const reason: ArenaInvalidReason | null = outcomes.some((o) => o.kind === 'failed') ? 'model_failed' : outcomes.some((o) => o.kind === 'stopped') ? 'stopped' : null;
  if (reason !== null) {
    await ctx.store.write(async (trx) => {
      if (await closeBattle(trx, plan.battle.id, { status: 'invalid', outcome: null, invalid_reason: reason, feedback_id: null, voted_at: null })) await revealModels(trx, plan.battle);
    });
  }
  yield { type: 'end', status: reason === null ? 'open' : 'invalid', invalid_reason: reason };
  const fault = outcomes.find((o) => o.kind === 'failed' && o.fault !== undefined);
  if (fault !== undefined && fault.kind === 'failed') throw fault.fault;
}

async function answerSide(ctx: ServiceContext, principal: Principal, plan: ArenaTurnPlan, side: ArenaSide, signal: AbortSignal, emit: (e: ArenaEvent) => void): Promise<SideOutcome> {
  const source = { model: plan.models[side], turns: plan.histories[side], conversationId: plan.battle.conversation_id, poolSource: null as string | null };
  let text = '';
  try {
    for await (const delta of answerTokens(ctx, source, signal)) {
      text += delta;
      emit({ type: 'token', side, text: delta });
    }
  } catch (e) {
    if (signal.aborted) return { kind: 'stopped' };
    if (e instanceof GatewayError) {
      emit({ type: 'error', side, code: CHAT_FAILURES[e.failure], message: e.message, partial: text });
      return { kind: 'failed' };
    }
    emit({ type: 'error', side, code: 'internal_error', message: 'something went wrong on the server', partial: text });
    return { kind: 'failed', fault: e };
  }
  if (signal.aborted) return { kind: 'stopped' };
  try {
    emit({ type: 'done', side, message: await storeAnswer(ctx, principal, plan, side, text, source.poolSource ?? null) });
    return { kind: 'answered' };
  } catch (e) {
    if (e instanceof AppError && e.code === 'consent_required') {
      emit({ type: 'error', side, code: 'consent_required', message: e.message, partial: text });
      return { kind: 'stopped' };
    }
    emit({ type: 'error', side, code: 'internal_error', message: 'something went wrong on the server', partial: text });
    return { kind: 'failed', fault: e };
  }
}

async function storeAnswer(ctx: ServiceContext, principal: Principal, plan: ArenaTurnPlan, side: ArenaSide, text: string, poolSource: string | null): Promise<Message> {
  const conversationId = plan.battle.conversation_id;
  return ctx.store.write(async (trx) => {
    await requireActiveConsent(trx, principal.contributorId);
    const now = timestamp(ctx);
    const message: Message = {
      id: ctx.newId(),
      conversation_id: conversationId,
      parent_id: plan.prompts[side].id,
      role: 'assistant',
      content: text === '' ? '(empty answer)' : text,
      // Named once voting closes (revealModels): until then no read of the conversation can tell.
      model_id: null,
      model_version_id: null,
      model_name: null,
      contributor_id: null,
      language: null,
      status: 'active',
      created_at: now,
    };
    const stored = scrubMessage({ ...message, source_meta: poolSource === null ? null : JSON.stringify({ pool_answer_of: poolSource }) });
    await insertMessages(trx, [stored]);
    await setTurnAnswer(trx, plan.battle.id, plan.position, side, message.id);
    await touchConversation(trx, conversationId, now);
    await refreshReleaseLicences(trx, [conversationId]);
    const { source_meta: _meta, ...shown } = stored;
    return withoutColumns(shown);
  });
}

/** Events pushed by concurrent producers, read in order by one consumer until closed. */
class EventQueue<T> {
  private items: T[] = [];
  private closed = false;
  private wake: (() => void) | null = null;

  push(item: T): void {
    this.items.push(item);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  async *drain(): AsyncGenerator<T> {
    for (;;) {
      while (this.items.length > 0) yield this.items.shift()!;
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }
}
