import { z } from 'zod';

/** A judgement read on one axis: the answer is good (`up`) or bad (`down`). */
export type BinaryLabel = 'up' | 'down';
export const BINARY_LABELS: readonly BinaryLabel[] = ['up', 'down'];

/**
 * What a gold item's answer should get: a thumbs value, or a rating within a range (on the scale the
 * rater uses; a range wholly above or below the scale's middle also says which thumbs is right).
 */
export const GoldExpectation = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('thumbs'), value: z.enum(['up', 'down']) }),
  z
    .strictObject({ kind: z.literal('rating'), min: z.number().finite().min(-10).max(100), max: z.number().finite().min(-10).max(100) })
    .refine((r) => r.max >= r.min, { message: 'max must not be below min', path: ['max'] }),
]);
export type GoldExpectation = z.infer<typeof GoldExpectation>;

/** A judgement that can be scored: a thumbs, or a rating on its scale. */
export type JudgementVote = { kind: 'thumbs'; value: 'up' | 'down' } | { kind: 'rating'; score: number; scale_min: number; scale_max: number };

/**
 * The binary reading of a judgement: thumbs as given, a rating above its scale's middle `up`, below
 * `down`, on the middle null (no side taken).
 * @example binaryLabel({ kind: 'rating', score: 4, scale_min: 1, scale_max: 5 }) // 'up'
 */
export function binaryLabel(v: JudgementVote): BinaryLabel | null {
  if (v.kind === 'thumbs') return v.value;
  const middle = (v.scale_min + v.scale_max) / 2;
  return v.score > middle ? 'up' : v.score < middle ? 'down' : null;
}

/**
 * Whether a judgement on a gold item is right: a rating against a rating range, anything else by
 * its binary reading. Null when it cannot be scored (a rating on the middle; a thumbs against a range
 * that straddles the middle of a 1–5 scale).
 * @example scoreGoldAnswer({ kind: 'thumbs', value: 'down' }, { kind: 'thumbs', value: 'down' }) // true
 */
export function scoreGoldAnswer(expected: GoldExpectation, vote: JudgementVote): boolean | null {
  if (expected.kind === 'rating' && vote.kind === 'rating') return vote.score >= expected.min && vote.score <= expected.max;
  const want = goldLabel(expected);
  const got = binaryLabel(vote);
  return want === null || got === null ? null : want === got;
}

/** The thumbs a gold item expects; for a range, judged on the default 1–5 scale. */
export function goldLabel(expected: GoldExpectation): BinaryLabel | null {
  if (expected.kind === 'thumbs') return expected.value;
  if (expected.min > 3) return 'up';
  if (expected.max < 3) return 'down';
  return null;
}
