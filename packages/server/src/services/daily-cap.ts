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

/**
 * The cap's error, with the whole seconds until the cap's day ends (the next midnight UTC, when
 * the count starts again) as its `Retry-After`; at least 1.
 */
export function dailyCapReached(ctx: ServiceContext): AppError {
  return new AppError('daily_cap_reached', `one account records at most ${ctx.config.dailyFeedbackCap} feedback events a day (UTC); more from midnight UTC`, undefined, {
    retryAfterSeconds: secondsUntilNextUtcDay(ctx.now()),
  });
}

/** Whole seconds from `now` to the next midnight UTC, rounded up: 1 … 86,400. */
export function secondsUntilNextUtcDay(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}
