import { drawArenaPair, pathTo, type ArenaBattleInput, type ArenaSide, type ArenaTurnInput, type Message, type Model } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import type { ChatTurn } from '../gateway/model-gateway.js';
import { arenaModels, findBattle, insertBattle, insertTurn, listTurns } from '../store/arena-repository.js';
import { findCommunity } from '../store/community-repository.js';
import { findConversation, insertMessages, listMessages, toMessage, touchConversation } from '../store/conversation-repository.js';
import { isUniqueViolation } from '../store/database-errors.js';
import { findModelsByIds, listModelVersions, toModel } from '../store/model-repository.js';
import type { ArenaBattleTable } from '../store/schema.js';
import type { Db } from '../store/store.js';
import { battleExpired, expireIfStale } from './arena-expiry.js';
import { titleOf } from './chat.js';
import { requireActiveConsent } from './consent.js';
import { timestamp, type ServiceContext } from './context.js';
import { insertNewConversation, NATIVE_SOURCE, withoutColumns } from './conversations.js';
import { planMessages } from './message-plan.js';
import { scrubMessage } from './privacy-gate.js';
import { refreshReleaseLicences } from './release-licences.js';
import { requireScope, type Principal } from './principal.js';
import { canReadContribution } from './visibility.js';

/** A turn of a battle checked and its user turn stored: ready for both models to answer. */
export interface ArenaTurnPlan {
  battle: ArenaBattleTable;
  position: number;
  models: Record<ArenaSide, Model>;
  /** The user turn each side answers (the same message on the first turn). */
  prompts: Record<ArenaSide, Message>;
  /** What each side is sent: the user turns and that side's own answers. */
  histories: Record<ArenaSide, ChatTurn[]>;
}

export const SIDES = ['a', 'b'] as const satisfies readonly ArenaSide[];

/**
 * Starts a battle: draws two different models of the community by their arena weight, tosses for
 * sides, and stores a conversation with the prompt and the battle (who is a, who is b) in one write.
 * The answers will be stored without their model until voting closes.
 */
export async function startBattle(ctx: ServiceContext, principal: Principal, input: ArenaBattleInput): Promise<ArenaTurnPlan> {
  requireScope(principal, 'conversations:write');
  const community = await findCommunity(ctx.store.db, input.community_id);
  if (community === undefined) throw new AppError('invalid_reference', 'no such community', 'community_id');
  const candidates = (await arenaModels(ctx.store.db, community.id)).map(toModel);
  const pair = drawArenaPair(candidates.map((m) => ({ id: m.id, weight: m.arena_weight })), ctx.random);
  if (pair === null) throw new AppError('invalid_reference', 'this community has fewer than two models in the arena', 'community_id');
  const models = { a: candidates.find((m) => m.id === pair.a)!, b: candidates.find((m) => m.id === pair.b)! };
  const [versionA, versionB] = await Promise.all([listModelVersions(ctx.store.db, pair.a), listModelVersions(ctx.store.db, pair.b)]);
  return ctx.store.write(async (trx) => {
    const conversation = await insertNewConversation(ctx, trx, principal.contributorId, { community_id: community.id, title: titleOf(input.content), messages: [{ role: 'user', content: input.content }] }, NATIVE_SOURCE);
    const prompt = conversation.messages[0]!;
    const battle: ArenaBattleTable = {
      id: ctx.newId(),
      conversation_id: conversation.id,
      community_id: community.id,
      contributor_id: principal.contributorId,
      model_a: pair.a,
      model_b: pair.b,
      model_version_a: versionA[0]?.id ?? null,
      model_version_b: versionB[0]?.id ?? null,
      status: 'open',
      outcome: null,
      invalid_reason: null,
      feedback_id: null,
      created_at: conversation.created_at,
      voted_at: null,
    };
    await insertBattle(trx, battle);
    await insertTurn(trx, { battle_id: battle.id, position: 0, prompt_a: prompt.id, prompt_b: prompt.id, answer_a: null, answer_b: null });
    // Now that the battle names its models, their output terms count in the conversation's licence.
    await refreshReleaseLicences(trx, [conversation.id]);
    const history = [{ role: 'user' as const, content: prompt.content }];
    return { battle, position: 0, models, prompts: { a: prompt, b: prompt }, histories: { a: history, b: [...history] } };
  });
}

/**
 * The next turn of an open battle, sent to both models: each side gets its own copy of the user turn
 * under its own last answer, so that each model sees only its own answers (two branches of the tree).
 */
export async function continueBattle(ctx: ServiceContext, principal: Principal, battleId: string, input: ArenaTurnInput): Promise<ArenaTurnPlan> {
  requireScope(principal, 'conversations:write');
  const battle = await authoredBattle(ctx, principal, battleId, 'only the person who started a battle continues it');
  await expireIfStale(ctx, battle);
  const models = await battleModels(ctx.store.db, battle);
  try {
    return await ctx.store.write(async (trx) => {
      await requireActiveConsent(trx, principal.contributorId);
      const current = (await findBattle(trx, battle.id))!;
      requireOpen(current);
      const turns = await listTurns(trx, battle.id);
      const last = turns.at(-1)!;
      if (last.answer_a === null || last.answer_b === null) throw new AppError('conflict', 'the answers of the last turn are still coming');
      const conversation = await findConversation(trx, battle.conversation_id);
      if (conversation === undefined || conversation.status !== 'active') throw new AppError('conflict', `the battle's conversation is ${conversation?.status ?? 'gone'}`);
      const now = timestamp(ctx);
      const existing = await listMessages(trx, conversation.id);
      const planned = await planMessages(trx, ctx.newId, { conversationId: conversation.id, language: conversation.language, existing, authorId: principal.contributorId, createdAt: now, fieldPrefix: '' }, [
        { role: 'user', content: input.content, parent_id: last.answer_a },
        { role: 'user', content: input.content, parent_id: last.answer_b },
      ]);
      const stored = planned.map(scrubMessage);
      await insertMessages(trx, stored);
      const position = last.position + 1;
      await insertTurn(trx, { battle_id: battle.id, position, prompt_a: stored[0]!.id, prompt_b: stored[1]!.id, answer_a: null, answer_b: null });
      await touchConversation(trx, conversation.id, now);
      await refreshReleaseLicences(trx, [conversation.id]);
      const prompts = { a: withoutColumns(stored[0]!), b: withoutColumns(stored[1]!) };
      const tree = [...existing.map(toMessage), ...Object.values(prompts)];
      const history = (side: ArenaSide) => pathTo(tree, prompts[side].id).map((m) => ({ role: m.role, content: m.content }));
      return { battle: current, position, models, prompts, histories: { a: history('a'), b: history('b') } };
    });
  } catch (e) {
    // Two turns sent at once: the second finds its position taken.
    if (isUniqueViolation(e)) throw new AppError('conflict', 'another turn of this battle is being answered');
    throw e;
  }
}

/** A battle the caller may see: its author's, and the whole pool's readers'. Not found otherwise. */
export async function readableBattle(ctx: ServiceContext, principal: Principal, id: string): Promise<ArenaBattleTable> {
  const battle = await findBattle(ctx.store.db, id);
  if (battle === undefined || !canReadContribution(principal, battle.contributor_id)) throw notFound('battle');
  return battle;
}

/** A battle the caller started (others who may read it are refused: it is not theirs to play). */
export async function authoredBattle(ctx: ServiceContext, principal: Principal, id: string, refusal: string): Promise<ArenaBattleTable> {
  const battle = await readableBattle(ctx, principal, id);
  if (battle.contributor_id !== principal.contributorId) throw new AppError('forbidden', refusal);
  return battle;
}

/** Voting closes once names are shown: nothing more is added to a closed battle. */
export function requireOpen(battle: ArenaBattleTable): void {
  if (battle.status === 'voted') throw new AppError('conflict', 'this battle has been voted on: voting is closed');
  if (battle.invalid_reason === 'expired') throw battleExpired();
  if (battle.status !== 'open') throw new AppError('conflict', `this battle is closed (${battle.invalid_reason ?? battle.status})`);
}

async function battleModels(db: Db, battle: ArenaBattleTable): Promise<Record<ArenaSide, Model>> {
  const rows = await findModelsByIds(db, [battle.model_a, battle.model_b]);
  const model = (id: string) => toModel(rows.find((m) => m.id === id)!);
  return { a: model(battle.model_a), b: model(battle.model_b) };
}
