import { AppError } from '../errors.js';
import { closeBattle, findBattle } from '../store/arena-repository.js';
import { findConversation } from '../store/conversation-repository.js';
import type { ArenaBattleTable } from '../store/schema.js';
import type { Db } from '../store/store.js';
import { revealModels } from './arena-reveal.js';
import type { ServiceContext } from './context.js';

/** How many stale battles one pass closes at most per query (the pass loops until none is left). */
const PAGE = 500;

/**
 * The moment before which a battle's last activity makes it stale: `arenaBattleExpiryMinutes` ago;
 * null when battles never expire (0).
 */
export function battleExpiryCutoff(ctx: ServiceContext): string | null {
  const minutes = ctx.config.arenaBattleExpiryMinutes;
  return minutes === 0 ? null : new Date(ctx.now().getTime() - minutes * 60_000).toISOString();
}

export const battleExpired = () =>
  new AppError('battle_expired', 'this battle was left without a turn or a vote for too long: it was closed as invalid (expired) and its models are shown; start a new battle');

/** Closes an open battle as invalid (`expired`) and shows its models; false when something else closed it first. */
async function expireBattle(db: Db, battle: ArenaBattleTable): Promise<boolean> {
  if (!(await closeBattle(db, battle.id, { status: 'invalid', outcome: null, invalid_reason: 'expired', feedback_id: null, voted_at: null }))) return false;
  await revealModels(db, battle);
  return true;
}

/**
 * Closes every open battle whose last activity (its start, or the latest turn or answer, which
 * touch its conversation) lies more than `arenaBattleExpiryMinutes` back: abandoned battles do not
 * stay open for ever, and their models are shown like those of any closed battle. Run by the
 * quality pass; returns how many it closed.
 */
export async function expireStaleBattles(ctx: ServiceContext): Promise<number> {
  const cutoff = battleExpiryCutoff(ctx);
  if (cutoff === null) return 0;
  let closed = 0;
  for (;;) {
    const stale = await ctx.store.db
      .selectFrom('arena_battles')
      .innerJoin('conversations', 'conversations.id', 'arena_battles.conversation_id')
      .selectAll('arena_battles')
      .where('arena_battles.status', '=', 'open')
      .where('arena_battles.created_at', '<', cutoff)
      .where('conversations.updated_at', '<', cutoff)
      .orderBy('arena_battles.id')
      .limit(PAGE)
      .execute();
    if (stale.length === 0) return closed;
    closed += await ctx.store.write(async (trx) => {
      let n = 0;
      for (const battle of stale) if (await expireBattle(trx, battle)) n++;
      return n;
    });
    if (stale.length < PAGE) return closed;
  }
}

/**
 * Before a battle is continued or voted on: one that is open but stale is closed as expired at
 * once (whatever the quality pass's schedule) and the request is refused with `battle_expired`.
 */
export async function expireIfStale(ctx: ServiceContext, battle: ArenaBattleTable): Promise<void> {
  const cutoff = battleExpiryCutoff(ctx);
  if (cutoff === null || battle.status !== 'open' || battle.created_at >= cutoff) return;
  const conversation = await findConversation(ctx.store.db, battle.conversation_id);
  if (conversation !== undefined && conversation.updated_at >= cutoff) return;
  await ctx.store.write(async (trx) => {
    const current = await findBattle(trx, battle.id);
    if (current?.status === 'open') await expireBattle(trx, current);
  });
  const now = await findBattle(ctx.store.db, battle.id);
  if (now?.status === 'invalid' && now.invalid_reason === 'expired') throw battleExpired();
}
