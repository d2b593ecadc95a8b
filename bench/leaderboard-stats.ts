/**
 * The statistics of the arena leaderboard and of rater agreement, on one core:
 * - 1,000,000 simulated battles among 50 models (Bradley-Terry probabilities, with ties): the
 *   leaderboard with 100 bootstrap rounds, beside the baseline of only counting the battles into
 *   the unique-outcome table (what any leaderboard must do first);
 * - Krippendorff's alpha (interval) on about 1,000,000 ratings (222,222 units × 5 raters, one in ten
 *   missing), beside one pass that sums the same ratings.
 * Run: npx tsx bench/leaderboard-stats.ts
 */
import { compressBattles, krippendorffAlpha, leaderboard, xoshiro128, type BattleOutcome } from '../packages/core/src/statistics/index.js';

/** Battles among `models` models of ratings spread over about ±300 points; ties (and both-bad votes) keep the expected score of Bradley-Terry. */
export function simulateBattles(count: number, models: number, seed = 7): { battles: BattleOutcome[]; truth: Map<string, number> } {
  const random = xoshiro128(seed);
  const names = Array.from({ length: models }, (_, i) => `model-${String(i).padStart(2, '0')}`);
  const truth = new Map(names.map((n) => [n, 1000 + (random() - 0.5) * 600]));
  const battles: BattleOutcome[] = new Array(count);
  for (let n = 0; n < count; n++) {
    const i = Math.floor(random() * models);
    let j = Math.floor(random() * (models - 1));
    if (j >= i) j++;
    const a = names[i]!;
    const b = names[j]!;
    const p = 1 / (1 + 10 ** ((truth.get(b)! - truth.get(a)!) / 400));
    const tie = 0.8 * p * (1 - p);
    const u = random();
    battles[n] = { a, b, winner: u < tie ? (u < tie / 4 ? 'both_bad' : 'tie') : u < tie + p - tie / 2 ? 'a' : 'b' };
  }
  return { battles, truth };
}

/** Reliability data: coders × units, values 1–7 around a per-unit truth, `missing` of them null. */
export function simulateRatings(units: number, coders: number, missing = 0.1, seed = 11): (number | null)[][] {
  const random = xoshiro128(seed);
  const truth = Array.from({ length: units }, () => 1 + Math.floor(random() * 7));
  return Array.from({ length: coders }, () =>
    truth.map((t) => (random() < missing ? null : Math.min(7, Math.max(1, t + Math.round((random() - 0.5) * 3))))),
  );
}

function best(times: number, f: () => unknown): number {
  let min = Infinity;
  for (let t = 0; t < times; t++) {
    const started = performance.now();
    f();
    min = Math.min(min, (performance.now() - started) / 1000);
  }
  return min;
}

export interface LeaderboardStatsBench {
  battles: number;
  models: number;
  rounds: number;
  /** Counting the battles into unique (a, b, outcome) rows: the baseline. */
  countSeconds: number;
  /** The whole leaderboard: counting, the fit, 100 bootstrap rounds, intervals, ranks, matrices. */
  leaderboardSeconds: number;
  /** The same from the counted table: the fit and the bootstrap alone. */
  fitAndBootstrapSeconds: number;
  ratings: number;
  /** One pass summing the ratings: the baseline. */
  sumSeconds: number;
  alphaSeconds: number;
  alpha: number;
}

export async function benchLeaderboardStats(battleCount = 1_000_000, models = 50, rounds = 100): Promise<LeaderboardStatsBench> {
  const { battles } = simulateBattles(battleCount, models);
  const data = simulateRatings(222_222, 5);
  // Warm up the JIT on smaller inputs.
  leaderboard(battles.slice(0, 50_000), { bootstrap: 10 });
  krippendorffAlpha(data.map((row) => row.slice(0, 20_000)), 'interval');
  const countSeconds = best(3, () => compressBattles(battles));
  const leaderboardSeconds = best(3, () => leaderboard(battles, { bootstrap: rounds, seed: 1 }));
  const table = compressBattles(battles);
  const fitAndBootstrapSeconds = best(3, () => leaderboard(table, { bootstrap: rounds, seed: 1 }));
  let ratings = 0;
  let sink = 0;
  const sumSeconds = best(3, () => {
    ratings = 0;
    for (const row of data) for (const v of row) if (v !== null) (sink += v, ratings++);
  });
  if (sink < 0) console.log(sink);
  let alpha = 0;
  const alphaSeconds = best(3, () => (alpha = krippendorffAlpha(data, 'interval').alpha));
  return { battles: battleCount, models, rounds, countSeconds, leaderboardSeconds, fitAndBootstrapSeconds, ratings, sumSeconds, alphaSeconds, alpha };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchLeaderboardStats();
  const f = (n: number) => n.toLocaleString('en');
  console.log(`leaderboard of ${f(r.battles)} battles among ${r.models} models, ${r.rounds} bootstrap rounds: ${r.leaderboardSeconds.toFixed(3)} s (aim < 2 s)`);
  console.log(`  baseline in the same run, counting the battles into unique outcomes: ${r.countSeconds.toFixed(3)} s; ratio ${(r.leaderboardSeconds / r.countSeconds).toFixed(2)}`);
  console.log(`  of which the fit and the ${r.rounds} bootstrap rounds on the counted table: ${r.fitAndBootstrapSeconds.toFixed(3)} s`);
  console.log(`Krippendorff's alpha (interval) of ${f(r.ratings)} ratings (222,222 units × 5 raters, 10 % missing): ${r.alphaSeconds.toFixed(3)} s (aim < 1 s), alpha ${r.alpha.toFixed(4)}`);
  console.log(`  baseline in the same run, one pass summing the ratings: ${r.sumSeconds.toFixed(4)} s; ratio ${(r.alphaSeconds / r.sumSeconds).toFixed(1)}`);
}
