import type { ArenaSide } from '@openfeedback/core';
import type { Db } from './store.js';
import type { ArenaBattleTable, ArenaTurnTable, ModelTable } from './schema.js';

/** The models of a community the arena may draw (weight above 0). */
export async function arenaModels(db: Db, communityId: string): Promise<ModelTable[]> {
  return db.selectFrom('models').selectAll().where('community_id', '=', communityId).where('arena_weight', '>', 0).orderBy('id').execute();
}

export async function insertBattle(db: Db, battle: ArenaBattleTable): Promise<void> {
  await db.insertInto('arena_battles').values(battle).execute();
}

export async function findBattle(db: Db, id: string): Promise<ArenaBattleTable | undefined> {
  return db.selectFrom('arena_battles').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The battle's turns, first to last. */
export async function listTurns(db: Db, battleId: string): Promise<ArenaTurnTable[]> {
  return db.selectFrom('arena_turns').selectAll().where('battle_id', '=', battleId).orderBy('position').execute();
}

/** A new turn; a unique violation means another turn took this position at the same moment. */
export async function insertTurn(db: Db, turn: ArenaTurnTable): Promise<void> {
  await db.insertInto('arena_turns').values(turn).execute();
}

export async function setTurnAnswer(db: Db, battleId: string, position: number, side: ArenaSide, messageId: string): Promise<void> {
  await db
    .updateTable('arena_turns')
    .set(side === 'a' ? { answer_a: messageId } : { answer_b: messageId })
    .where('battle_id', '=', battleId)
    .where('position', '=', position)
    .execute();
}

/**
 * Closes an open battle: true when this call closed it, false when it was closed already (by a vote
 * or a failure that committed first).
 */
export async function closeBattle(db: Db, id: string, fields: Pick<ArenaBattleTable, 'status' | 'outcome' | 'invalid_reason' | 'feedback_id' | 'voted_at'>): Promise<boolean> {
  const result = await db.updateTable('arena_battles').set(fields).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The battle's answers get their model (and version) once voting has closed. */
export async function nameAnswers(db: Db, messageIds: readonly string[], modelId: string, versionId: string | null): Promise<void> {
  if (messageIds.length === 0) return;
  await db.updateTable('messages').set({ model_id: modelId, model_version_id: versionId }).where('id', 'in', [...messageIds]).execute();
}

/** Battles go with their conversation (deleted with it). */
export async function deleteBattlesOf(db: Db, conversationId: string): Promise<void> {
  const battles = db.selectFrom('arena_battles').select('id').where('conversation_id', '=', conversationId);
  await db.deleteFrom('arena_turns').where('battle_id', 'in', battles).execute();
  await db.deleteFrom('arena_battles').where('conversation_id', '=', conversationId).execute();
}
