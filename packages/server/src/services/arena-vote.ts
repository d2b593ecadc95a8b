import { CURRENT_METHODOLOGY_VERSION, identityTerms, namesItself, type ArenaBattle, type ArenaVoteInput } from '@openfeedback/core';
import { AppError } from '../errors.js';
import { closeBattle, findBattle, listTurns } from '../store/arena-repository.js';
import { findConversation, findMessages } from '../store/conversation-repository.js';
import { insertFeedback, toFeedbackRow } from '../store/feedback-repository.js';
import { findModelsByIds } from '../store/model-repository.js';
import type { ArenaBattleTable, ArenaTurnTable, MessageTable, ModelTable } from '../store/schema.js';
import type { Db } from '../store/store.js';
import { authoredBattle, readableBattle, requireOpen, SIDES } from './arena.js';
import { battleView, revealModels } from './arena-reveal.js';
import { expireIfStale } from './arena-expiry.js';
import { requireActiveConsent } from './consent.js';
import { requireDailyCapacity } from './daily-cap.js';
import { timestamp, type ServiceContext } from './context.js';
import { buildFeedback } from './feedback-rules.js';
import { feedbackReleaseLicence } from './release-licences.js';
import { requireScope, type Principal } from './principal.js';

export async function getBattle(ctx: ServiceContext, principal: Principal, id: string): Promise<ArenaBattle> {
  requireScope(principal, 'read');
  return battleView(ctx.store.db, await readableBattle(ctx, principal, id));
}

/**
 * The vote, once: stored as the interlocutor's pairwise feedback on the two latest answers
 * (message_id side a, other_message_id side b), and voting closes, which shows the names. When an
 * answer named its own model the vote was not blind: it is kept (status `removed`, never counted)
 * and the battle is `invalid` (`self_identified`). Votes count towards the daily feedback cap
 * (429 `daily_cap_reached`); a battle left too long is closed instead (409 `battle_expired`).
 */
export async function voteOnBattle(ctx: ServiceContext, principal: Principal, id: string, input: ArenaVoteInput): Promise<ArenaBattle> {
  requireScope(principal, 'feedback:write');
  const battle = await authoredBattle(ctx, principal, id, 'only the person who started a battle votes on it');
  await expireIfStale(ctx, battle);
  const closed = await ctx.store.write(async (trx) => {
    const consent = await requireActiveConsent(trx, principal.contributorId);
    const current = (await findBattle(trx, battle.id))!;
    requireOpen(current);
    // A vote is a feedback event like any other: past the daily cap it waits (the battle stays open until it expires).
    await requireDailyCapacity(ctx, trx, principal.contributorId);
    const turns = await listTurns(trx, battle.id);
    const last = turns.at(-1)!;
    if (last.answer_a === null || last.answer_b === null) throw new AppError('conflict', 'the answers are still coming: vote once both are whole');
    const now = timestamp(ctx);
    const feedbackId = ctx.newId();
    // First, so that of two votes sent at once the second waits here and then finds the battle closed.
    if (!(await closeBattle(trx, battle.id, { status: 'voted', outcome: input.winner, invalid_reason: null, feedback_id: feedbackId, voted_at: now }))) {
      throw new AppError('conflict', 'this battle has been voted on: voting is closed');
    }
    await revealModels(trx, current, turns);
    const answers = await findMessages(trx, turns.flatMap((t) => [t.answer_a, t.answer_b]).filter((m): m is string => m !== null));
    const selfNamed = namedItself(turns, answers, await findModelsByIds(trx, [current.model_a, current.model_b]), current);
    const conversation = (await findConversation(trx, current.conversation_id))!;
    const event = buildFeedback(
      { kind: 'pairwise', conversation_id: conversation.id, message_id: last.answer_a, other_message_id: last.answer_b, outcome: input.winner, annotator_role: 'interlocutor', provenance: { type: 'human' }, methodology_version: CURRENT_METHODOLOGY_VERSION },
      { id: feedbackId, now, contributorId: principal.contributorId, licence: consent.licence, conversation, messages: new Map(answers.map((m) => [m.id, m] as const)), rubric: [] },
    );
    if (selfNamed) event.status = 'removed';
    await insertFeedback(trx, [toFeedbackRow(event, consent.id, { pii_removed: null, release_licence: feedbackReleaseLicence(consent.licence, conversation.release_licence) })]);
    if (selfNamed) await markSelfIdentified(trx, battle.id);
    // The battles view of releases reads this: a vote given without knowing the models.
    await trx.updateTable('messages').set({ source_meta: JSON.stringify({ arena: { anony: true, vote: feedbackId } }) }).where('id', '=', turns[0]!.prompt_a).execute();
    return (await findBattle(trx, battle.id))!;
  });
  return battleView(ctx.store.db, closed);
}

/** Whether any answer of a side names that side's own model (its name, slug, model name or family). */
function namedItself(turns: readonly ArenaTurnTable[], answers: readonly MessageTable[], models: readonly ModelTable[], battle: ArenaBattleTable): boolean {
  return SIDES.some((side) => {
    const model = models.find((m) => m.id === (side === 'a' ? battle.model_a : battle.model_b));
    if (model === undefined) return false;
    const terms = identityTerms(model);
    const ids = new Set(turns.map((t) => (side === 'a' ? t.answer_a : t.answer_b)));
    return answers.some((m) => ids.has(m.id) && namesItself(m.content, terms));
  });
}

async function markSelfIdentified(db: Db, battleId: string): Promise<void> {
  await db.updateTable('arena_battles').set({ status: 'invalid', invalid_reason: 'self_identified' }).where('id', '=', battleId).execute();
}
