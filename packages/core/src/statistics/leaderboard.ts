/*
 * The arena leaderboard: Bradley-Terry ratings with bootstrap confidence intervals, ranks from the
 * intervals, and the win-rate and battle-count matrices.
 */
import {
  OUTCOME_A,
  OUTCOME_B,
  anchorIndexOf,
  compressBattles,
  components,
  fitBradleyTerry,
  fitOptions,
  isUniqueOutcomes,
  pairScores,
  pairTable,
  toRatings,
  type BattleOutcome,
  type BradleyTerryOptions,
  type UniqueOutcomes,
} from './bradley-terry.js';
import { sampleMultinomial, xoshiro128 } from './random.js';

export interface LeaderboardOptions extends BradleyTerryOptions {
  /** Bootstrap rounds for the intervals (default 100; 0: no intervals, lower = upper = rating). */
  bootstrap?: number;
  /** Seed of the bootstrap (default 1): the same seed, the same leaderboard. */
  seed?: number;
  /** Coverage of the intervals (default 0.95: the 2.5th and 97.5th percentiles). */
  confidence?: number;
}

export interface LeaderboardEntry {
  model: string;
  /** The fit on all battles. */
  rating: number;
  /** Percentile bootstrap interval. */
  lower: number;
  upper: number;
  /** 1 + the number of models whose lower bound is above this model's upper bound (LMSYS). */
  rank: number;
  battles: number;
  wins: number;
  /** Ties and both-bad votes. */
  ties: number;
  losses: number;
}

export interface Leaderboard {
  /** Sorted by rating, highest first. */
  entries: LeaderboardEntry[];
  /** The models in the order of `entries`, which is also the order of the matrices. */
  models: string[];
  /** [i][j]: the share of i's battles against j that i won, ties counted half; NaN where they never met. */
  winRate: number[][];
  /** [i][j]: battles between i and j (symmetric, 0 on the diagonal). */
  battleCounts: number[][];
  bootstrapRounds: number;
  /** Is every model linked to every other by battles? If not, ratings of different parts are comparable only through the prior. */
  connected: boolean;
  /** The connected parts of the comparison graph, largest first. */
  components: string[][];
  /** Battles counted, and battles of a model against itself left out. */
  battles: number;
  ignored: number;
  /** The prior used (virtual tied games per model against an average model). */
  prior: number;
  /** Did the fit on all battles converge, and in how many iterations; the most any bootstrap round took. */
  converged: boolean;
  iterations: number;
  maxBootstrapIterations: number;
}

/**
 * The arena leaderboard, the LMSYS/LMArena way: Bradley-Terry ratings by maximum likelihood (ties
 * half a win each, a weak prior of `prior` virtual tied games per model) on the 400-point scale;
 * percentile bootstrap intervals (battles resampled with replacement, as multinomial counts over the
 * unique outcomes, each round warm-started from the full fit); rank = 1 + the number of models
 * whose lower bound is above this model's upper bound (W.-L. Chiang et al. 2024, "Chatbot Arena").
 * @example leaderboard(battles, { anchor: { model: 'llama-3-8b', rating: 1000 } }).entries[0] // the best model
 */
export function leaderboard(battles: Iterable<BattleOutcome> | UniqueOutcomes, options: LeaderboardOptions = {}): Leaderboard {
  const data = isUniqueOutcomes(battles) ? battles : compressBattles(battles, options.models ? { models: options.models } : {});
  const k = data.models.length;
  const rounds = options.bootstrap ?? 100;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(rounds) || rounds < 0) throw new RangeError('bootstrap must be a whole number ≥ 0');
  if (!(confidence > 0 && confidence < 1)) throw new RangeError('confidence must be between 0 and 1');
  const opts = fitOptions(options, k);
  const anchor = anchorIndexOf(data.models, options);
  const table = pairTable(data);
  const pairs = table.i.length;
  const score = new Float64Array(pairs);
  const games = new Float64Array(pairs);
  pairScores(data, table, data.count, score, games);
  const parts = components(k, table, games);
  const full = fitBradleyTerry(table, score, games, null, opts);
  const rating = toRatings(full.beta, anchor, options);

  // Bootstrap: each round a multinomial resample of all battles over the unique outcomes.
  const bootstrapRounds = k === 0 || data.battles === 0 ? 0 : rounds;
  const samples = new Float64Array(bootstrapRounds * k);
  const random = xoshiro128(options.seed ?? 1);
  const counts = new Float64Array(data.count.length);
  const roundRatings = new Float64Array(k);
  let maxBootstrapIterations = 0;
  for (let r = 0; r < bootstrapRounds; r++) {
    sampleMultinomial(data.battles, data.count, random, counts);
    pairScores(data, table, counts, score, games);
    const fit = fitBradleyTerry(table, score, games, full.beta, opts);
    maxBootstrapIterations = Math.max(maxBootstrapIterations, fit.iterations);
    toRatings(fit.beta, anchor, options, roundRatings);
    for (let m = 0; m < k; m++) samples[m * bootstrapRounds + r] = roundRatings[m]!;
  }
  const lower = new Float64Array(k);
  const upper = new Float64Array(k);
  for (let m = 0; m < k; m++) {
    if (bootstrapRounds === 0) {
      lower[m] = upper[m] = rating[m]!;
      continue;
    }
    const own = samples.subarray(m * bootstrapRounds, (m + 1) * bootstrapRounds).sort();
    lower[m] = quantile(own, (1 - confidence) / 2);
    upper[m] = quantile(own, (1 + confidence) / 2);
  }

  // Tallies and matrices (in the model order of the data, reordered below).
  const wins = new Float64Array(k);
  const ties = new Float64Array(k);
  const losses = new Float64Array(k);
  const count = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const scored = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let row = 0; row < data.count.length; row++) {
    const a = data.a[row]!;
    const b = data.b[row]!;
    const c = data.count[row]!;
    const o = data.outcome[row]!;
    count[a]![b]! += c;
    count[b]![a]! += c;
    if (o === OUTCOME_A) {
      wins[a]! += c;
      losses[b]! += c;
      scored[a]![b]! += c;
    } else if (o === OUTCOME_B) {
      wins[b]! += c;
      losses[a]! += c;
      scored[b]![a]! += c;
    } else {
      ties[a]! += c;
      ties[b]! += c;
      scored[a]![b]! += c / 2;
      scored[b]![a]! += c / 2;
    }
  }
  const order = Array.from({ length: k }, (_, m) => m).sort((x, y) => rating[y]! - rating[x]! || (data.models[x]! < data.models[y]! ? -1 : 1));
  const entries: LeaderboardEntry[] = order.map((m) => {
    let above = 0;
    for (let o = 0; o < k; o++) if (lower[o]! > upper[m]!) above++;
    return { model: data.models[m]!, rating: rating[m]!, lower: lower[m]!, upper: upper[m]!, rank: 1 + above, battles: wins[m]! + ties[m]! + losses[m]!, wins: wins[m]!, ties: ties[m]!, losses: losses[m]! };
  });
  return {
    entries,
    models: entries.map((e) => e.model),
    winRate: order.map((i) => order.map((j) => (count[i]![j]! > 0 ? scored[i]![j]! / count[i]![j]! : Number.NaN))),
    battleCounts: order.map((i) => order.map((j) => count[i]![j]!)),
    bootstrapRounds,
    connected: parts.length <= 1,
    components: parts.map((part) => part.map((m) => data.models[m]!)),
    battles: data.battles,
    ignored: data.ignored,
    prior: opts.prior,
    converged: full.converged,
    iterations: full.iterations,
    maxBootstrapIterations,
  };
}

/** The q-quantile of sorted values, interpolating linearly between order statistics (Hyndman-Fan type 7, numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
