/*
 * Quality control, pure: near-duplicate texts (MinHash), rater reliability (Beta-Binomial),
 * trust-weighted consensus, the binomial test against consensus, gold scoring and the suspicion score.
 */
export * from './minhash.js';
export * from './consensus.js';
export * from './binomial.js';
export * from './gold.js';
export * from './reliability.js';
export * from './crowd.js';
export * from './suspicion.js';
export * from './answer-labels.js';
