/*
 * Classic Elo (A. Elo 1978): the logistic expectation and the rating update after games.
 */
import type { BattleOutcome } from './bradley-terry.js';

/**
 * The expected score of a player rated `rating` against one rated `opponent`: 1 / (1 + base^((opponent − rating) / scale)).
 * @example eloExpected(1613, 1609) // ≈ 0.506
 */
export function eloExpected(rating: number, opponent: number, scale = 400, base = 10): number {
  return 1 / (1 + base ** ((opponent - rating) / scale));
}

/**
 * The Elo update after a set of games played at the same rating: rating + k · (Σ scores − Σ expected).
 * Scores: 1 win, ½ draw, 0 loss.
 * @example eloUpdate(1613, [1609, 1477, 1388, 1586, 1720], [0, 0.5, 1, 1, 0]).rating // ≈ 1601.3
 */
export function eloUpdate(rating: number, opponents: readonly number[], scores: readonly number[], k = 32, scale = 400, base = 10): { rating: number; expected: number; score: number } {
  if (opponents.length !== scores.length) throw new RangeError('one score per opponent');
  let expected = 0;
  let score = 0;
  opponents.forEach((o, i) => {
    expected += eloExpected(rating, o, scale, base);
    score += scores[i]!;
  });
  return { rating: rating + k * (score - expected), expected, score };
}

/**
 * Online Elo over battles in their order (the arena's first leaderboards; ties and both-bad score ½):
 * each battle moves both ratings by k · (score − expected). Order-dependent, unlike Bradley-Terry.
 * @example onlineElo([{ a: 'x', b: 'y', winner: 'a' }]).get('x') // 1016
 */
export function onlineElo(battles: Iterable<BattleOutcome>, options: { k?: number; scale?: number; base?: number; initial?: number } = {}): Map<string, number> {
  const { k = 32, scale = 400, base = 10, initial = 1000 } = options;
  const ratings = new Map<string, number>();
  for (const { a, b, winner } of battles) {
    if (a === b) continue;
    const ra = ratings.get(a) ?? initial;
    const rb = ratings.get(b) ?? initial;
    const sa = winner === 'a' ? 1 : winner === 'b' ? 0 : 0.5;
    const ea = eloExpected(ra, rb, scale, base);
    ratings.set(a, ra + k * (sa - ea));
    ratings.set(b, rb + k * (ea - sa));
  }
  return ratings;
}
