import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BT_PRIOR,
  bradleyTerry,
  compressBattles,
  eloExpected,
  eloUpdate,
  leaderboard,
  logFactorial,
  onlineElo,
  quantile,
  sampleBinomial,
  sampleMultinomial,
  xoshiro128,
  type BattleOutcome,
} from '../src/index.js';

const REFERENCE = new URL('../../../../shared/data/reference-values/', import.meta.url);
interface RatingCases {
  cases: [
    { id: string; games_won: { winner: string; loser: string; count: number }[]; expected_scores: Record<string, number> },
    { id: string; player_rating: number; opponents: number[]; scores: number[]; expected: { new_rating_rounded: number }; recomputed: { expected_score: number; new_rating: number } },
  ];
}
const rating = JSON.parse(readFileSync(new URL('rating_reference_cases.json', REFERENCE), 'utf8')) as RatingCases;

const battle = (a: string, b: string, winner: BattleOutcome['winner'], times = 1): BattleOutcome[] => Array.from({ length: times }, () => ({ a, b, winner }));
const FACTOR = 400 / Math.log(10);

/** Simulated battles among models of known ratings: Bradley-Terry win probabilities, with ties that keep the expected score (P(tie) = 0.8·p·(1−p), the rest split so that E[score] = p). */
function simulate(count: number, truth: number[], seed: number): BattleOutcome[] {
  const random = xoshiro128(seed);
  const k = truth.length;
  const out: BattleOutcome[] = [];
  for (let n = 0; n < count; n++) {
    const i = Math.floor(random() * k);
    let j = Math.floor(random() * (k - 1));
    if (j >= i) j++;
    const p = 1 / (1 + 10 ** ((truth[j]! - truth[i]!) / 400));
    const tie = 0.8 * p * (1 - p);
    const u = random();
    out.push({ a: `m${i}`, b: `m${j}`, winner: u < tie ? 'tie' : u < tie + p - tie / 2 ? 'a' : 'b' });
  }
  return out;
}

/**
 * The reference the fast fit must equal: plain gradient ascent on the Bradley-Terry log-likelihood,
 * straight from its definition, battle by battle (a tie: half a win, half a loss), with the same prior
 * (each model `prior` virtual games against a model of log-strength 0, counted as ties).
 */
function naiveBradleyTerry(battles: BattleOutcome[], prior: number): Map<string, number> {
  const models = [...new Set(battles.flatMap((b) => [b.a, b.b]))];
  const beta = new Map(models.map((m) => [m, 0]));
  const sigma = (x: number) => 1 / (1 + Math.exp(-x));
  const rate = 1 / battles.length;
  for (let step = 0; step < 200_000; step++) {
    const grad = new Map(models.map((m) => [m, prior * (0.5 - sigma(beta.get(m)!))]));
    for (const { a, b, winner } of battles) {
      const score = winner === 'a' ? 1 : winner === 'b' ? 0 : 0.5;
      const r = score - sigma(beta.get(a)! - beta.get(b)!);
      grad.set(a, grad.get(a)! + r);
      grad.set(b, grad.get(b)! - r);
    }
    let moved = 0;
    for (const m of models) {
      const d = 4 * rate * battles.length * grad.get(m)! / Math.max(1, battles.filter((x) => x.a === m || x.b === m).length);
      beta.set(m, beta.get(m)! + d);
      moved = Math.max(moved, Math.abs(d));
    }
    if (moved < 1e-12) break;
  }
  const mean = [...beta.values()].reduce((s, x) => s + x, 0) / models.length;
  return new Map(models.map((m) => [m, 1000 + FACTOR * (beta.get(m)! - mean)]));
}

function spearman(x: number[], y: number[]): number {
  const rank = (v: number[]) => {
    const order = v.map((_, i) => i).sort((a, b) => v[a]! - v[b]!);
    const r = new Array<number>(v.length);
    order.forEach((i, position) => (r[i] = position));
    return r;
  };
  const rx = rank(x);
  const ry = rank(y);
  const n = x.length;
  const d2 = rx.reduce((s, r, i) => s + (r - ry[i]!) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

describe('reference values (rating_reference_cases.json)', () => {
  const [wiki, elo] = rating.cases;
  const battles = wiki.games_won.flatMap((g) => battle(g.winner, g.loser, 'a', g.count));

  it('Bradley-Terry, the four teams of Wikipedia: strengths with geometric mean 1', () => {
    for (const method of ['newton', 'mm'] as const) {
      const fit = bradleyTerry(battles, { prior: 0, method });
      expect(fit.converged).toBe(true);
      for (const [team, expected] of Object.entries(wiki.expected_scores)) expect(Math.abs(fit.strengths.get(team)! - expected)).toBeLessThan(1e-3);
      // Computed: A 0.63983, B 1.04331, C 0.65981, D 2.27038.
      expect(fit.strengths.get('D')).toBeCloseTo(2.27038, 5);
      // On the 400-point scale: the difference is 400·log10 of the strength ratio.
      expect(fit.ratings.get('D')! - fit.ratings.get('A')!).toBeCloseTo(400 * Math.log10(fit.strengths.get('D')! / fit.strengths.get('A')!), 9);
      expect([...fit.ratings.values()].reduce((s, x) => s + x, 0) / 4).toBeCloseTo(1000, 9);
    }
    // The default prior (0.01 virtual tied games per model) moves these 5-to-13-game teams by < 0.1 %.
    const withPrior = bradleyTerry(battles);
    for (const [team, expected] of Object.entries(wiki.expected_scores)) expect(Math.abs(withPrior.strengths.get(team)! / expected - 1)).toBeLessThan(1e-3);
  });

  it('Elo: the single-player tournament (K = 32)', () => {
    const r = eloUpdate(elo.player_rating, elo.opponents, elo.scores);
    expect(r.expected).toBeCloseTo(elo.recomputed.expected_score, 3); // 2.86657
    expect(Math.abs(r.rating - elo.recomputed.new_rating)).toBeLessThan(0.01); // 1601.2699 (given rounded to 1601.26)
    expect(Math.round(r.rating)).toBe(elo.expected.new_rating_rounded);
    expect(eloExpected(1500, 1500)).toBe(0.5);
    const online = onlineElo([...battle('x', 'y', 'a'), ...battle('x', 'x', 'a')]);
    expect(online.get('x')).toBe(1016);
    expect(online.get('y')).toBe(984);
  });
});

describe('Bradley-Terry fit', () => {
  const small = [
    ...battle('gpt', 'llama', 'a', 5),
    ...battle('gpt', 'llama', 'b', 2),
    ...battle('gpt', 'llama', 'tie', 2),
    ...battle('llama', 'mistral', 'a', 3),
    ...battle('mistral', 'llama', 'both_bad', 1),
    ...battle('mistral', 'llama', 'a', 2),
    ...battle('gpt', 'mistral', 'a', 4),
    ...battle('mistral', 'gpt', 'a', 1),
    ...battle('qwen', 'gpt', 'tie', 3),
    ...battle('qwen', 'mistral', 'b', 2),
    ...battle('qwen', 'llama', 'a', 1),
  ];

  it('equals gradient ascent on the log-likelihood from its definition, with and without the prior', () => {
    for (const prior of [0, DEFAULT_BT_PRIOR, 1]) {
      const naive = naiveBradleyTerry(small, prior);
      for (const method of ['newton', 'mm'] as const) {
        const fit = bradleyTerry(small, { prior, method });
        for (const [m, r] of naive) expect(Math.abs(fit.ratings.get(m)! - r)).toBeLessThan(1e-6);
      }
      const lb = leaderboard(small, { prior, bootstrap: 0 });
      for (const e of lb.entries) expect(Math.abs(e.rating - naive.get(e.model)!)).toBeLessThan(1e-6);
    }
  });

  it('counts battles by unique outcome, the same whichever side a model was on', () => {
    const t = compressBattles([...battle('x', 'y', 'a', 3), ...battle('y', 'x', 'b', 2), ...battle('y', 'x', 'tie'), ...battle('y', 'x', 'both_bad'), ...battle('x', 'x', 'a')]);
    expect(t.models).toEqual(['x', 'y']);
    expect([...t.outcome]).toEqual([0, 2]);
    expect([...t.count]).toEqual([5, 2]);
    expect(t.battles).toBe(7);
    expect(t.ignored).toBe(1);
    expect(() => compressBattles([{ a: 'x', b: 'y', winner: 'c' as never }])).toThrow(TypeError);
    // A table of unique outcomes is accepted in place of battles.
    expect(bradleyTerry(t).ratings).toEqual(bradleyTerry([...battle('x', 'y', 'a', 5), ...battle('x', 'y', 'tie', 2)]).ratings);
  });

  it('many models (a sparse graph) take the MM path and agree with Newton', () => {
    const truth = Array.from({ length: 450 }, (_, i) => 1000 + ((i * 37) % 450) - 225);
    const battles = simulate(20_000, truth, 5);
    const mm = bradleyTerry(battles);
    expect(mm.method).toBe('mm');
    expect(mm.converged).toBe(true);
    const newton = bradleyTerry(battles, { method: 'newton' });
    for (const [m, r] of newton.ratings) expect(Math.abs(mm.ratings.get(m)! - r)).toBeLessThan(1e-4);
  });
});

describe('leaderboard', () => {
  it('recovers known strengths: the truth lies in ≥ 90 % of the 95 % intervals, and the order correlates', () => {
    let covered = 0;
    let coveredAnchored = 0;
    let intervals = 0;
    const correlations: number[] = [];
    for (let replicate = 1; replicate <= 10; replicate++) {
      const random = xoshiro128(1000 + replicate);
      const truth = Array.from({ length: 15 }, () => 1000 + (random() - 0.5) * 500);
      const battles = simulate(15_000, truth, replicate);
      const mean = truth.reduce((s, x) => s + x, 0) / truth.length;
      const lb = leaderboard(battles, { seed: replicate });
      const anchored = leaderboard(battles, { seed: replicate, anchor: { model: 'm0', rating: truth[0]! } });
      expect(lb.connected).toBe(true);
      for (const e of lb.entries) {
        const t = truth[Number(e.model.slice(1))]! - mean + 1000; // the truth aligned to mean 1000
        if (t >= e.lower && t <= e.upper) covered++;
        intervals++;
      }
      for (const e of anchored.entries) {
        const t = truth[Number(e.model.slice(1))]!;
        if (t >= e.lower && t <= e.upper) coveredAnchored++;
      }
      expect(anchored.entries.find((e) => e.model === 'm0')).toMatchObject({ rating: truth[0], lower: truth[0], upper: truth[0] });
      correlations.push(spearman(lb.entries.map((e) => e.rating), lb.entries.map((e) => truth[Number(e.model.slice(1))]!)));
    }
    // Measured: 143 of 150 (95.3 %) mean-aligned, 145 of 150 (96.7 %) anchored.
    expect(covered / intervals).toBeGreaterThanOrEqual(0.9);
    expect(coveredAnchored / intervals).toBeGreaterThanOrEqual(0.9);
    expect(Math.min(...correlations)).toBeGreaterThan(0.95);
  });

  it('its bootstrap (multinomial counts over unique outcomes) matches resampling the battles one by one', () => {
    const truth = [1100, 1050, 1000, 980, 900];
    const battles = simulate(3000, truth, 3);
    const rounds = 300;
    const fast = leaderboard(battles, { bootstrap: rounds, seed: 9 });
    const random = xoshiro128(10);
    const samples = new Map<string, number[]>();
    for (let r = 0; r < rounds; r++) {
      const resample = Array.from({ length: battles.length }, () => battles[Math.floor(random() * battles.length)]!);
      for (const [m, x] of bradleyTerry(resample).ratings) samples.set(m, [...(samples.get(m) ?? []), x]);
    }
    let fastWidth = 0;
    let naiveWidth = 0;
    for (const e of fast.entries) {
      const s = samples.get(e.model)!.sort((a, b) => a - b);
      const [lo, hi] = [quantile(s, 0.025), quantile(s, 0.975)];
      fastWidth += e.upper - e.lower;
      naiveWidth += hi - lo;
      expect(Math.abs((e.lower + e.upper) / 2 - (lo + hi) / 2)).toBeLessThan(10);
    }
    expect(fastWidth / naiveWidth).toBeGreaterThan(0.9);
    expect(fastWidth / naiveWidth).toBeLessThan(1.1);
  });

  it('ranks from the intervals, tallies, win rates and battle counts', () => {
    const battles = [...battle('a', 'b', 'a', 30), ...battle('a', 'b', 'b', 10), ...battle('b', 'c', 'a', 21), ...battle('b', 'c', 'tie', 2), ...battle('c', 'b', 'a', 19), ...battle('a', 'c', 'a', 40)];
    const lb = leaderboard(battles, { seed: 3 });
    expect(lb.models).toEqual(['a', 'b', 'c']);
    for (const e of lb.entries) expect(e.rank).toBe(1 + lb.entries.filter((o) => o.lower > e.upper).length);
    expect(lb.entries.map((e) => e.rank)).toEqual([1, 2, 2]); // b and c overlap
    expect(lb.entries[1]).toMatchObject({ model: 'b', battles: 82, wins: 31, ties: 2, losses: 49 });
    expect(lb.winRate[0]![1]).toBeCloseTo(0.75, 12);
    expect(lb.winRate[1]![2]).toBeCloseTo(22 / 42, 12);
    expect(lb.winRate[2]![1]).toBeCloseTo(20 / 42, 12);
    expect(lb.winRate[0]![2]).toBe(1);
    expect(lb.winRate[0]![0]).toBeNaN();
    expect(lb.battleCounts).toEqual([[0, 40, 40], [40, 0, 42], [40, 42, 0]]);
    for (const e of lb.entries) expect(e.lower <= e.rating && e.rating <= e.upper).toBe(true);
    expect(lb.entries.reduce((s, e) => s + e.rating, 0) / 3).toBeCloseTo(1000, 9);
    // Without bootstrap the interval is the point and the rank is the position among distinct ratings.
    expect(leaderboard(battles, { bootstrap: 0 }).entries.map((e) => [e.lower === e.rating, e.rank])).toEqual([[true, 1], [true, 2], [true, 3]]);
    // Other scales.
    const elo = leaderboard(battles, { bootstrap: 0, scale: 173.7178, base: Math.E, initial: 1500 });
    expect(elo.entries[0]!.rating - elo.entries[2]!.rating).toBeCloseTo(lb.entries[0]!.rating - lb.entries[2]!.rating, 2);
  });

  it('is deterministic: the same seed gives the same leaderboard, another seed other intervals', () => {
    const battles = simulate(5000, [1000, 1030, 1060, 990], 4);
    expect(leaderboard(battles, { seed: 42 })).toEqual(leaderboard(battles, { seed: 42 }));
    const a = leaderboard(battles, { seed: 42 }).entries;
    const b = leaderboard(battles, { seed: 43 }).entries;
    expect(a.map((e) => e.rating)).toEqual(b.map((e) => e.rating));
    expect(a.map((e) => e.lower)).not.toEqual(b.map((e) => e.lower));
    expect(leaderboard(battles)).toEqual(leaderboard(battles, { seed: 1 })); // the default seed is fixed
  });
});

describe('edge cases', () => {
  it('empty input', () => {
    const lb = leaderboard([]);
    expect(lb).toMatchObject({ entries: [], models: [], winRate: [], battleCounts: [], bootstrapRounds: 0, connected: true, battles: 0 });
    expect(bradleyTerry([]).ratings.size).toBe(0);
  });

  it('one model: rated at the mean, rank 1 (a battle against itself is ignored)', () => {
    const lb = leaderboard(battle('solo', 'solo', 'a', 3), { models: ['solo'] });
    expect(lb.entries).toEqual([{ model: 'solo', rating: 1000, lower: 1000, upper: 1000, rank: 1, battles: 0, wins: 0, ties: 0, losses: 0 }]);
    expect(lb.ignored).toBe(3);
  });

  it('two models: the rating gap is 400·log10 of the odds', () => {
    const battles = [...battle('x', 'y', 'a', 7), ...battle('x', 'y', 'b', 3)];
    const plain = bradleyTerry(battles, { prior: 0 });
    expect(plain.ratings.get('x')! - plain.ratings.get('y')!).toBeCloseTo(400 * Math.log10(7 / 3), 9);
    const lb = leaderboard(battles, { anchor: { model: 'y', rating: 1200 } });
    expect(lb.entries[1]).toMatchObject({ model: 'y', rating: 1200, lower: 1200, upper: 1200 });
    expect(lb.entries[0]!.rating - 1200).toBeCloseTo(400 * Math.log10(7 / 3), 0); // the prior shrinks it by < 0.1 point
    expect(() => leaderboard(battles, { anchor: { model: 'z', rating: 1000 } })).toThrow(RangeError);
  });

  it('a model that never wins: finite thanks to the prior, and far below', () => {
    const battles = [...battle('a', 'b', 'a', 6), ...battle('a', 'b', 'b', 4), ...battle('a', 'loser', 'a', 10), ...battle('loser', 'b', 'b', 10)];
    expect(() => bradleyTerry(battles, { prior: 0 })).toThrow(/no maximum-likelihood/);
    const lb = leaderboard(battles);
    const loser = lb.entries.at(-1)!;
    expect(loser.model).toBe('loser');
    expect(Number.isFinite(loser.rating) && Number.isFinite(loser.lower)).toBe(true);
    // 20 losses: about 400·log10(½·prior / 20) ≈ 1440 points below its opponents (measured: 37 against
    // a 1517 and b 1446, the mean at 1000; prior 0.001 would put it 400 points lower, prior 0.1 400 higher).
    const gap = lb.entries[0]!.rating - loser.rating;
    expect(gap).toBeGreaterThan(1300);
    expect(gap).toBeLessThan(1700);
    expect(loser.rank).toBe(3);
    // A stronger prior pulls it in.
    expect(bradleyTerry(battles, { prior: 1 }).ratings.get('loser')!).toBeGreaterThan(loser.rating + 500);
  });

  it('a disconnected comparison graph is reported', () => {
    const battles = [...battle('a', 'b', 'a', 5), ...battle('a', 'b', 'b', 3), ...battle('c', 'd', 'a', 2), ...battle('c', 'd', 'b', 6), ...battle('e', 'c', 'tie')];
    const lb = leaderboard(battles);
    expect(lb.connected).toBe(false);
    expect(lb.components).toEqual([['c', 'd', 'e'], ['a', 'b']]);
    expect(lb.entries.every((e) => Number.isFinite(e.rating) && Number.isFinite(e.lower) && Number.isFinite(e.upper))).toBe(true);
    expect(bradleyTerry(battles).connected).toBe(false);
    expect(() => bradleyTerry(battles, { prior: 0 })).toThrow(RangeError);
    expect(leaderboard(battle('a', 'b', 'a', 2).concat(battle('b', 'a', 'a'))).connected).toBe(true);
  });

  it('all ties: everyone at the mean, one rank', () => {
    const battles = [...battle('a', 'b', 'tie', 5), ...battle('b', 'c', 'both_bad', 5), ...battle('a', 'c', 'tie', 5)];
    const lb = leaderboard(battles);
    for (const e of lb.entries) {
      expect(e.rating).toBeCloseTo(1000, 9);
      expect(e.lower).toBeCloseTo(1000, 9);
      expect(e.upper).toBeCloseTo(1000, 9);
      expect(e.rank).toBe(1);
      expect(e.ties).toBe(10);
    }
    expect(lb.winRate[0]![1]).toBe(0.5);
  });
});

describe('seeded sampling', () => {
  it('xoshiro128 is reproducible and uniform', () => {
    const a = xoshiro128(5);
    const b = xoshiro128(5);
    const draws = Array.from({ length: 100_000 }, () => a());
    expect(draws.slice(0, 10)).toEqual(Array.from({ length: 10 }, () => b()));
    expect(xoshiro128(6)()).not.toBe(draws[0]);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
  });

  it('binomial draws follow the binomial law (inversion and BTRS, small and huge n)', () => {
    const random = xoshiro128(77);
    for (const [n, p] of [[20, 0.3], [100, 0.4], [1000, 0.02], [50, 0.9], [1_000_000, 0.5], [3_000_000, 0.0001]] as const) {
      const draws = 40_000;
      const counts = new Map<number, number>();
      let sum = 0;
      let squares = 0;
      for (let d = 0; d < draws; d++) {
        const x = sampleBinomial(n, p, random);
        if (!(Number.isInteger(x) && x >= 0 && x <= n)) throw new Error(`bad draw ${x}`);
        sum += x;
        squares += x * x;
        counts.set(x, (counts.get(x) ?? 0) + 1);
      }
      const mean = sum / draws;
      const variance = squares / draws - mean * mean;
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(mean - n * p)).toBeLessThan((4 * sd) / Math.sqrt(draws));
      expect(Math.abs(variance / (sd * sd) - 1)).toBeLessThan(0.05);
      if (n <= 1000) {
        // χ² against the exact probabilities, over values expected at least 20 times.
        let chi = 0;
        let cells = 0;
        for (let k = 0; k <= n; k++) {
          const expected = draws * Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
          if (expected < 20) continue;
          chi += ((counts.get(k) ?? 0) - expected) ** 2 / expected;
          cells++;
        }
        expect(chi).toBeLessThan(cells + 5 * Math.sqrt(2 * cells)); // far in the tail of χ²(cells)
      }
    }
    expect(sampleBinomial(10, 0, random)).toBe(0);
    expect(sampleBinomial(10, 1, random)).toBe(10);
  });

  it('multinomial draws sum to n with the right means', () => {
    const random = xoshiro128(3);
    const weights = [500, 0, 1, 120_000, 37, 2];
    const total = weights.reduce((s, x) => s + x, 0);
    const means = new Float64Array(weights.length);
    for (let r = 0; r < 2000; r++) {
      const out = sampleMultinomial(total, weights, random);
      expect(out.reduce((s, x) => s + x, 0)).toBe(total);
      expect(out[1]).toBe(0);
      out.forEach((x, i) => (means[i]! += x / 2000));
    }
    weights.forEach((w, i) => expect(Math.abs(means[i]! - w)).toBeLessThan(4 * Math.sqrt(w + 1) / Math.sqrt(2000) + 1e-9));
    expect(logFactorial(300)).toBeCloseTo(Array.from({ length: 300 }, (_, i) => Math.log(i + 1)).reduce((s, x) => s + x, 0), 9);
  });
});
