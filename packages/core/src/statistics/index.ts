/*
 * Statistics of the pool: the arena leaderboard (Bradley-Terry with bootstrap intervals, Elo) and
 * agreement between raters (Krippendorff's alpha, Fleiss' kappa, Cohen's kappa). Pure and
 * deterministic: seeded randomness, no I/O; runs in the browser too.
 */
export {
  DEFAULT_BT_PRIOR,
  bradleyTerry,
  compressBattles,
  type BattleOutcome,
  type BradleyTerryOptions,
  type BradleyTerryResult,
  type RatingScaleOptions,
  type UniqueOutcomes,
} from './bradley-terry.js';
export { leaderboard, quantile, type Leaderboard, type LeaderboardEntry, type LeaderboardOptions } from './leaderboard.js';
export { eloExpected, eloUpdate, onlineElo } from './elo.js';
export {
  cohenKappa,
  cohenKappaFromTable,
  fleissKappa,
  krippendorffAlpha,
  krippendorffAlphaByUnit,
  krippendorffAlphaFromCounts,
  type AlphaMetric,
  type CohenResult,
  type FleissResult,
  type KappaWeights,
  type KrippendorffOptions,
  type KrippendorffResult,
  type RatingValue,
} from './agreement.js';
export { logFactorial, sampleBinomial, sampleMultinomial, xoshiro128 } from './random.js';
