/*
 * Seeded randomness for the statistics: a small fast generator (xoshiro128**) and exact binomial
 * and multinomial samplers built on it, so that a bootstrap with the same seed gives the same result
 * in Node and in the browser.
 */

/**
 * A seeded generator of numbers in [0, 1) with 32 random bits each: xoshiro128** (Blackman and
 * Vigna 2018, period 2^128 − 1), its state filled from the seed by splitmix32. The same seed gives
 * the same draws everywhere. (Core's `seededRandom` of the arena is mulberry32, period 2^32: fine
 * for drawing pairs, short for long bootstraps; hence this one.)
 * @example const random = xoshiro128(42); random() // the same number on every run
 */
export function xoshiro128(seed: number): () => number {
  const whole = Number.isFinite(seed) ? Math.trunc(seed) : 0;
  let z = (whole >>> 0) ^ Math.imul(Math.floor(whole / 4294967296) >>> 0, 0x9e3779b1);
  const splitmix = (): number => {
    z = (z + 0x9e3779b9) | 0;
    let t = z ^ (z >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) | 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  if ((a | b | c | d) === 0) a = 1;
  return () => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return (r >>> 0) / 4294967296;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const LOG_FACTORIAL_TABLE = (() => {
  const t = new Float64Array(256);
  for (let i = 2; i < 256; i++) t[i] = t[i - 1]! + Math.log(i);
  return t;
})();
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log(k!) for an integer k ≥ 0: a table below 256, Stirling's series (error < 1e-17) above. */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL_TABLE[k]!;
  const r = 1 / k;
  const r2 = r * r;
  return (k + 0.5) * Math.log(k) - k + HALF_LOG_2PI + r * (1 / 12 - r2 * (1 / 360 - r2 / 1260));
}

/**
 * One draw of Binomial(n, p), exactly: inversion when n·min(p, 1−p) < 10, otherwise Hörmann's
 * transformed rejection with squeeze (BTRS; W. Hörmann, "The generation of binomial random
 * variates", J. Statist. Comput. Simul. 46, 1993), O(1) expected time whatever n.
 */
export function sampleBinomial(n: number, p: number, random: () => number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - sampleBinomial(n, 1 - p, random);
  if (n * p < 10) return binomialInversion(n, p, random);
  return binomialBtrs(n, p, random);
}

function binomialInversion(n: number, p: number, random: () => number): number {
  const q = 1 - p;
  const s = p / q;
  const a = (n + 1) * s;
  const r0 = Math.exp(n * Math.log1p(-p));
  for (;;) {
    let r = r0;
    let u = random();
    let x = 0;
    // Walk the probabilities P(0), P(1), …; a rounding overrun (u left beyond the sum) starts over.
    while (u > r) {
      u -= r;
      x++;
      if (x > n) break;
      r *= a / x - s;
    }
    if (x <= n) return x;
  }
}

function binomialBtrs(n: number, p: number, random: () => number): number {
  const q = 1 - p;
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = Math.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = logFactorial(m) + logFactorial(n - m);
  for (;;) {
    const u = random() - 0.5;
    let v = random();
    const us = 0.5 - Math.abs(u);
    if (us === 0) continue;
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = Math.log((v * alpha) / (a / (us * us) + b));
    if (v <= h - logFactorial(k) - logFactorial(n - k) + (k - m) * lpq) return k;
  }
}

/**
 * One multinomial draw of `n` items over categories weighted by `weights` (non-negative, e.g. the
 * counts of the original sample), written into `out`: the categories in turn, each a binomial of
 * what is left (conditional binomial splitting), O(categories) expected time whatever n.
 * Exactly the distribution of n independent draws from weights / Σ weights.
 */
export function sampleMultinomial(n: number, weights: ArrayLike<number>, random: () => number, out: Float64Array = new Float64Array(weights.length)): Float64Array {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  let left = n;
  let last = -1;
  for (let i = 0; i < weights.length; i++) if (weights[i]! > 0) last = i;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (left === 0 || w <= 0) {
      out[i] = 0;
      continue;
    }
    const k = i === last ? left : sampleBinomial(left, Math.min(1, w / total), random);
    out[i] = k;
    left -= k;
    total -= w;
  }
  return out;
}
