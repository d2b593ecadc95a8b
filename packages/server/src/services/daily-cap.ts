import { AppError } from '../errors.js';
import { countFeedbackSince } from '../store/quality-repository.js';
import type { Db } from '../store/store.js';
import type { ServiceContext } from './context.js';

/** Midnight UTC of the day `now` falls in, as stored timestamps read. */
export function startOfUtcDay(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString();
}

/**
 * How many more feedback events the account may record today (UTC): `dailyFeedbackCap` less what
 * it recorded since midnight, by every route. Infinity when the cap is off (0).
 */
export async function remainingDailyFeedback(ctx: ServiceContext, db: Db, contributorId: string): Promise<number> {
  const cap = ctx.config.dailyFeedbackCap;
  if (cap === 0) return Infinity;
  return cap - (await countFeedbackSince(db, contributorId, startOfUtcDay(ctx.now()), cap));
}

/** Throws `daily_cap_reached` (429) unless the account may record `adding` more events today. */
export async function requireDailyCapacity(ctx: ServiceContext, db: Db, contributorId: string, adding = 1): Promise<void> {
  if ((await remainingDailyFeedback(ctx, db, contributorId)) < adding) throw dailyCapReached(ctx);
}

export function dailyCapReached(ctx: ServiceContext): AppError {
  return new AppError('daily_cap_reached', `one account records at most ${ctx.config.dailyFeedbackCap} feedback events a day (UTC); more from midnight UTC`);
}
