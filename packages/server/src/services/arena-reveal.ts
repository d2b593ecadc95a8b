import type { ArenaBattle, ArenaBattleStatus, ArenaInvalidReason, ArenaModel, PairwiseOutcome } from '@openfeedback/core';
import { listTurns, nameAnswers } from '../store/arena-repository.js';
import { findModelsByIds } from '../store/model-repository.js';
import type { ArenaBattleTable, ArenaTurnTable } from '../store/schema.js';
import type { Db } from '../store/store.js';

/**
 * Voting has closed: the battle's answers get their model and version, like any other answer (the
 * leaderboard, the feedback on them and the releases read them from there).
 */
export async function revealModels(db: Db, battle: ArenaBattleTable, turns?: readonly ArenaTurnTable[]): Promise<void> {
  const all = turns ?? (await listTurns(db, battle.id));
  const answers = (side: 'answer_a' | 'answer_b') => all.flatMap((t) => (t[side] === null ? [] : [t[side]]));
  await nameAnswers(db, answers('answer_a'), battle.model_a, battle.model_version_a);
  await nameAnswers(db, answers('answer_b'), battle.model_b, battle.model_version_b);
}

/** The battle as the API shows it: the models stay null while it is open (names come after the vote). */
export async function battleView(db: Db, battle: ArenaBattleTable): Promise<ArenaBattle> {
  const turns = await listTurns(db, battle.id);
  let names: { a: ArenaModel | null; b: ArenaModel | null } = { a: null, b: null };
  if (battle.status !== 'open') {
    const rows = await findModelsByIds(db, [battle.model_a, battle.model_b]);
    const name = (id: string): ArenaModel | null => {
      const m = rows.find((r) => r.id === id);
      return m === undefined ? null : { id: m.id, slug: m.slug, name: m.name };
    };
    names = { a: name(battle.model_a), b: name(battle.model_b) };
  }
  return {
    id: battle.id,
    conversation_id: battle.conversation_id,
    community_id: battle.community_id,
    contributor_id: battle.contributor_id,
    status: battle.status as ArenaBattleStatus,
    outcome: battle.outcome as PairwiseOutcome | null,
    invalid_reason: battle.invalid_reason as ArenaInvalidReason | null,
    feedback_id: battle.feedback_id,
    turns: turns.map((t) => ({ prompt_a: t.prompt_a, prompt_b: t.prompt_b, answer_a: t.answer_a, answer_b: t.answer_b })),
    model_a: names.a,
    model_b: names.b,
    created_at: battle.created_at,
    voted_at: battle.voted_at,
  };
}
