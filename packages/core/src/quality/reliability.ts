import type { BinaryLabel } from './gold.js';

/**
 * The prior belief about a new account's reliability: Beta(2, 3), mean 0.4. New accounts start
 * below an even chance, so their votes weigh little until gold items and agreement with others
 * vouch for them ("low weight for new accounts"); five answers move it as much as the prior holds.
 */
export const TRUST_PRIOR = Object.freeze({ alpha: 2, beta: 3 });
export const TRUST_PRIOR_MEAN = TRUST_PRIOR.alpha / (TRUST_PRIOR.alpha + TRUST_PRIOR.beta);

/**
 * The Beta-Binomial posterior mean: (α + successes) / (α + β + trials).
 * @example posteriorMean(9, 10) // (2 + 9) / (5 + 10) ≈ 0.73
 */
export function posteriorMean(successes: number, trials: number, prior: { alpha: number; beta: number } = TRUST_PRIOR): number {
  return (prior.alpha + successes) / (prior.alpha + prior.beta + trials);
}

/** Right and scored answers, split by what the right answer was. */
export interface AnswerTally {
  /** On items whose right answer was `up`: how many, how many answered `up`. */
  up: { right: number; total: number };
  down: { right: number; total: number };
}

export const emptyTally = (): AnswerTally => ({ up: { right: 0, total: 0 }, down: { right: 0, total: 0 } });

export function addAnswer(t: AnswerTally, truth: BinaryLabel, answer: BinaryLabel): void {
  const side = t[truth];
  side.total++;
  if (answer === truth) side.right++;
}

/**
 * A rater's reliability: the mean of two Beta-Binomial posteriors, how often they say `up` when the
 * answer is good (sensitivity) and `down` when it is bad (specificity), each with half the prior
 * (Dawid & Skene's "two-coin" rater). Someone who always says the same thing scores 0.5 like a coin,
 * whatever share of answers are good; someone always wrong tends to 0; a new account starts at
 * TRUST_PRIOR_MEAN.
 * @example reliability({ up: { right: 9, total: 10 }, down: { right: 9, total: 10 } }) // (1+9)/(2.5+10) = 0.8
 */
export function reliability(t: AnswerTally, prior: { alpha: number; beta: number } = TRUST_PRIOR): number {
  const half = { alpha: prior.alpha / 2, beta: prior.beta / 2 };
  return (posteriorMean(t.up.right, t.up.total, half) + posteriorMean(t.down.right, t.down.total, half)) / 2;
}

/** The least a vote weighs: new and unproven accounts still count a little, so that items they alone rated get a label. */
export const MIN_VOTE_WEIGHT = 0.05;

/**
 * How much a vote counts in a consensus: the rater's reliability above chance, 2·trust − 1 (a coin,
 * or someone always saying the same, adds nothing; a perfect rater counts 1), at least
 * MIN_VOTE_WEIGHT. A new account (trust TRUST_PRIOR_MEAN, below chance) counts the minimum.
 * @example voteWeight(0.9) // 0.8
 */
export function voteWeight(trust: number): number {
  return Math.max(MIN_VOTE_WEIGHT, 2 * trust - 1);
}
