/*
 * The binomial test, one-sided: how likely it is to agree this seldom by chance.
 */

/**
 * P(X ≤ k) for X ~ Binomial(n, p), summed in log space (exact for any n a pool holds).
 * @example binomialCdf(0, 10, 0.5) // 1/1024
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  // log C(n, i) built up term by term: log C(n, i+1) = log C(n, i) + log(n - i) - log(i + 1).
  let logC = 0;
  let max = -Infinity;
  const terms: number[] = [];
  for (let i = 0; i <= k; i++) {
    const t = logC + i * logP + (n - i) * logQ;
    terms.push(t);
    if (t > max) max = t;
    logC += Math.log(n - i) - Math.log(i + 1);
  }
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - max);
  return Math.min(1, Math.exp(max + Math.log(sum)));
}

/**
 * The one-sided p-value of agreeing `agreements` times out of `trials` when the pool agrees at
 * rate `rate`: small when someone agrees with the consensus less often than chance allows.
 * @example agreementPValue(2, 30, 0.8) // ≈ 1e-17: against the consensus beyond chance
 */
export function agreementPValue(agreements: number, trials: number, rate: number): number {
  return binomialCdf(agreements, trials, rate);
}

/** Flag a voter when their agreement is this unlikely (issue: p < 0.01). */
export const AGAINST_CONSENSUS_P = 0.01;
