import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cohenKappa,
  cohenKappaFromTable,
  fleissKappa,
  krippendorffAlpha,
  krippendorffAlphaByUnit,
  krippendorffAlphaFromCounts,
  xoshiro128,
  type AlphaMetric,
  type RatingValue,
} from '../src/index.js';

const REFERENCE = new URL('../../../../shared/data/reference-values/', import.meta.url);
interface AgreementCases {
  cases: [
    { id: string; data: (number | null)[][]; expected: { nominal: number; interval: number }; value_counts_equivalent: { data: number[][]; expected: { nominal: number } } },
    { id: string; data: number[][]; expected: { kappa: number }; recomputed: { kappa: number } },
    { id: string; data: number[][]; expected: { kappa: number } },
  ];
}
const agreement = JSON.parse(readFileSync(new URL('agreement_reference_cases.json', REFERENCE), 'utf8')) as AgreementCases;
const [kripp, fleiss, cohen] = agreement.cases;

type Cell = RatingValue | null;

/**
 * Krippendorff's alpha straight from its definition, pair by pair: D_o averages δ² over the ordered
 * pairs of values within each unit (weighted 1/(m_u − 1)), D_e over all ordered pairs of pairable
 * values; ordinal δ from the margins n_g of the ranked values.
 */
function naiveAlpha(data: Cell[][], metric: AlphaMetric, order?: RatingValue[]): number {
  const units: RatingValue[][] = [];
  for (let u = 0; u < Math.max(...data.map((r) => r.length)); u++) {
    const values = data.map((r) => r[u]).filter((v): v is RatingValue => v !== null && v !== undefined);
    if (values.length >= 2) units.push(values);
  }
  const all = units.flat();
  const ranks = order ?? [...new Set(all)].sort((a, b) => (a as number) - (b as number));
  const count = (v: RatingValue) => all.filter((x) => x === v).length;
  const delta2 = (a: RatingValue, b: RatingValue): number => {
    if (a === b) return 0;
    if (metric === 'nominal') return 1;
    if (metric === 'interval') return ((a as number) - (b as number)) ** 2;
    if (metric === 'ratio') return (((a as number) - (b as number)) / ((a as number) + (b as number))) ** 2;
    let [i, j] = [ranks.indexOf(a), ranks.indexOf(b)];
    if (i > j) [i, j] = [j, i];
    let s = 0;
    for (let g = i; g <= j; g++) s += count(ranks[g]!);
    return (s - (count(ranks[i]!) + count(ranks[j]!)) / 2) ** 2;
  };
  const n = all.length;
  let observed = 0;
  for (const u of units) for (let i = 0; i < u.length; i++) for (let j = 0; j < u.length; j++) if (i !== j) observed += delta2(u[i]!, u[j]!) / (u.length - 1);
  let expected = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) expected += delta2(all[i]!, all[j]!);
  return 1 - (observed / n) / (expected / (n * (n - 1)));
}

/** Reliability data with missing values: `coders` × `units`, values 1..levels around a per-unit truth. */
function randomData(coders: number, units: number, levels: number, seed: number, missing = 0.25): Cell[][] {
  const random = xoshiro128(seed);
  const truth = Array.from({ length: units }, () => 1 + Math.floor(random() * levels));
  return Array.from({ length: coders }, () => truth.map((t) => (random() < missing ? null : Math.min(levels, Math.max(1, t + Math.round((random() - 0.5) * 2.2))))));
}

describe('reference values (agreement_reference_cases.json)', () => {
  it("Krippendorff's alpha, the 3 coders × 15 units of Wikipedia", () => {
    const nominal = krippendorffAlpha(kripp.data, 'nominal');
    expect(nominal.alpha).toBeCloseTo(kripp.expected.nominal, 6); // 0.691358
    expect(nominal).toMatchObject({ units: 12, raters: 3, pairable: 26, values: 4 });
    expect(krippendorffAlpha(kripp.data, 'interval').alpha).toBeCloseTo(kripp.expected.interval, 6); // 0.810845
    // The same data as value counts per unit.
    expect(krippendorffAlphaFromCounts(kripp.value_counts_equivalent.data, 'nominal').alpha).toBeCloseTo(kripp.value_counts_equivalent.expected.nominal, 6);
    expect(krippendorffAlphaFromCounts(kripp.value_counts_equivalent.data, 'interval').alpha).toBeCloseTo(kripp.expected.interval, 6);
    // And grouped by unit.
    const byUnit = kripp.data[0]!.map((_, u) => kripp.data.map((row) => row[u]!));
    expect(krippendorffAlphaByUnit(byUnit, 'interval').alpha).toBeCloseTo(kripp.expected.interval, 6);
  });

  it("Fleiss' kappa, the 10 subjects × 14 raters of Wikipedia", () => {
    const r = fleissKappa(fleiss.data);
    expect(Math.abs(r.kappa - fleiss.expected.kappa)).toBeLessThan(1e-3); // 0.209931
    expect(r.kappa).toBeCloseTo(fleiss.recomputed.kappa, 4);
    expect(r).toMatchObject({ items: 10, raters: 14 });
    expect(r.observedAgreement).toBeCloseTo(0.378022, 6);
    expect(r.expectedAgreement).toBeCloseTo(0.212755, 6);
  });

  it("Cohen's kappa, the 50 yes/no items of Wikipedia", () => {
    const r = cohenKappaFromTable(cohen.data);
    expect(r.kappa).toBeCloseTo(cohen.expected.kappa, 12); // p_o 0.70, p_e 0.50
    expect(r).toMatchObject({ items: 50 });
    expect(r.observedAgreement).toBeCloseTo(0.7, 12);
    expect(r.expectedAgreement).toBeCloseTo(0.5, 12);
    // The same items as two raters' labels.
    const [[yy, yn], [ny, nn]] = cohen.data as [[number, number], [number, number]];
    const pairs = [...Array<[string, string]>(yy).fill(['yes', 'yes']), ...Array<[string, string]>(yn).fill(['yes', 'no']), ...Array<[string, string]>(ny).fill(['no', 'yes']), ...Array<[string, string]>(nn).fill(['no', 'no'])];
    expect(cohenKappa(pairs.map((p) => p[0]), pairs.map((p) => p[1])).kappa).toBeCloseTo(0.4, 12);
  });
});

describe("Krippendorff's alpha", () => {
  it('equals the pairwise definition on random data, every metric', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const data = randomData(2 + (seed % 4), 25, 5, seed);
      for (const metric of ['nominal', 'ordinal', 'interval', 'ratio'] as const) {
        expect(krippendorffAlpha(data, metric).alpha).toBeCloseTo(naiveAlpha(data, metric), 10);
      }
    }
    // And on the textbook data, for the metrics the file does not give.
    expect(krippendorffAlpha(kripp.data, 'ordinal').alpha).toBeCloseTo(naiveAlpha(kripp.data, 'ordinal'), 12); // 0.806721
    expect(krippendorffAlpha(kripp.data, 'ratio').alpha).toBeCloseTo(naiveAlpha(kripp.data, 'ratio'), 12); // 0.808944
  });

  it('string categories: nominal as labels, ordinal in a given order', () => {
    const labels = ['bad', 'ok', 'good'] as const;
    const numeric = randomData(4, 30, 3, 9);
    const data = numeric.map((row) => row.map((v) => (v === null ? null : labels[(v as number) - 1]!)));
    expect(krippendorffAlpha(data, 'nominal').alpha).toBeCloseTo(krippendorffAlpha(numeric, 'nominal').alpha, 12);
    expect(krippendorffAlpha(data, 'ordinal', { order: ['bad', 'ok', 'good'] }).alpha).toBeCloseTo(krippendorffAlpha(numeric, 'ordinal').alpha, 12);
    expect(krippendorffAlpha(data, 'ordinal', { order: ['bad', 'ok', 'good'] }).alpha).toBeCloseTo(naiveAlpha(data, 'ordinal', ['bad', 'ok', 'good']), 12);
    expect(() => krippendorffAlpha(data, 'ordinal', { order: ['bad', 'ok'] })).toThrow(RangeError);
    expect(() => krippendorffAlpha(data, 'interval')).toThrow(TypeError);
    // Units as a map of unit → ratings.
    expect(krippendorffAlphaByUnit(new Map([['q1', ['good', 'good', null]], ['q2', ['bad', 'ok']], ['q3', ['ok', 'ok', 'ok']]]), 'nominal').alpha).toBeCloseTo(
      naiveAlpha([['good', 'bad', 'ok'], ['good', 'ok', 'ok'], [null, null, 'ok']], 'nominal'),
      12,
    );
  });

  it('units with a single rating are not pairable and change nothing', () => {
    const data: Cell[][] = [[1, 2, 3, 4, null], [1, 2, 3, 3, null], [null, null, null, null, 5]];
    const r = krippendorffAlpha(data, 'interval');
    expect(r).toMatchObject({ units: 4, raters: 2, pairable: 8 });
    expect(r.alpha).toBeCloseTo(krippendorffAlpha(data.slice(0, 2).map((row) => row.slice(0, 4)), 'interval').alpha, 12);
    expect(krippendorffAlphaByUnit({ a: [1, 1], b: [2, 2], c: [7] }, 'interval')).toMatchObject({ alpha: 1, units: 2, raters: 2, pairable: 4 });
  });

  it('is undefined (NaN) without variation or without pairable values; perfect agreement gives 1', () => {
    const same = krippendorffAlpha([[3, 3, 3], [3, 3, null]], 'nominal');
    expect(same.alpha).toBeNaN();
    expect(same).toMatchObject({ units: 2, pairable: 4, values: 1, observedDisagreement: 0, expectedDisagreement: 0 });
    expect(krippendorffAlpha([[1, null], [null, 2]], 'interval')).toMatchObject({ alpha: Number.NaN, units: 0, pairable: 0 });
    expect(krippendorffAlpha([], 'nominal').alpha).toBeNaN();
    expect(krippendorffAlpha([['a', 'b', 'c'], ['a', 'b', 'c']], 'nominal').alpha).toBe(1);
    expect(krippendorffAlpha([[1, 2], [2, 1]], 'interval').alpha).toBeLessThan(0);
  });
});

describe("Fleiss' and Cohen's kappa", () => {
  it("Fleiss' kappa equals its definition; unequal raters per item refused", () => {
    // Fleiss from the definition, rater pair by rater pair.
    const random = xoshiro128(4);
    const counts = Array.from({ length: 40 }, () => {
      const row = [0, 0, 0, 0];
      for (let r = 0; r < 6; r++) row[Math.floor(random() * random() * 4)]!++;
      return row;
    });
    let agree = 0; // ordered pairs of raters agreeing on an item
    for (const row of counts) for (let c = 0; c < 4; c++) agree += row[c]! * (row[c]! - 1);
    const pairs = counts.length * 6 * 5;
    const totals = [0, 1, 2, 3].map((c) => counts.reduce((s, row) => s + row[c]!, 0) / (counts.length * 6));
    const pe = totals.reduce((s, p) => s + p * p, 0);
    expect(fleissKappa(counts).kappa).toBeCloseTo((agree / pairs - pe) / (1 - pe), 12);
    expect(() => fleissKappa([[1, 1], [3, 0]])).toThrow(RangeError);
    expect(fleissKappa([[2, 0], [0, 0], [0, 2]])).toMatchObject({ kappa: 1, items: 2, raters: 2 });
    expect(fleissKappa([[3, 0], [3, 0]]).kappa).toBeNaN(); // one category only: undefined
  });

  it('weighted kappa equals its definition (linear and quadratic weights)', () => {
    const random = xoshiro128(12);
    const a = Array.from({ length: 200 }, () => 1 + Math.floor(random() * 5));
    const b = a.map((x) => Math.min(5, Math.max(1, x + Math.round((random() - 0.5) * 3))));
    for (const [weights, w] of [['none', (i: number, j: number) => (i === j ? 0 : 1)], ['linear', (i: number, j: number) => Math.abs(i - j) / 4], ['quadratic', (i: number, j: number) => ((i - j) / 4) ** 2]] as const) {
      let observed = 0;
      let expected = 0;
      for (let x = 0; x < a.length; x++) observed += w(a[x]!, b[x]!);
      for (let x = 0; x < a.length; x++) for (let y = 0; y < b.length; y++) expected += w(a[x]!, b[y]!) / b.length;
      expect(cohenKappa(a, b, weights).kappa).toBeCloseTo(1 - observed / expected, 12);
    }
  });

  it('categories absent in one rater, given categories, missing items', () => {
    // Rater B never says "maybe": it is still a category of the table.
    const a = ['yes', 'no', 'maybe', 'yes', 'no', 'yes'];
    const b = ['yes', 'no', 'no', 'yes', 'yes', 'yes'];
    const r = cohenKappa(a, b);
    expect(r.categories).toEqual(['maybe', 'no', 'yes']);
    expect(r.items).toBe(6);
    // p_o = 4/6; p_e = (1·0 + 2·2 + 3·4) / 36 = 16/36.
    expect(r.kappa).toBeCloseTo((4 / 6 - 16 / 36) / (1 - 16 / 36), 12);
    // An ordinal scale with a level neither rater used: it counts for the weights (K − 1 = 3).
    const linear = cohenKappa([1, 2, 3], [1, 3, 3], 'linear', [1, 2, 3, 4]);
    expect(linear.kappa).toBeCloseTo(cohenKappaFromTable([[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 0, 0]], 'linear').kappa, 12);
    // Observed disagreement (1/3)/3 = 1/9; expected Σ p_i q_j w_ij = (4/9 + 3/9 + 2/9)/3 = 1/3: κ = 1 − (1/9)/(1/3) = 2/3.
    expect(linear.kappa).toBeCloseTo(2 / 3, 12);
    expect(() => cohenKappa([1, 5], [1, 2], 'none', [1, 2, 3])).toThrow(RangeError);
    expect(cohenKappa(['x', null, 'y'], ['x', 'y', null]).items).toBe(1);
    expect(cohenKappa(['x', 'x'], ['x', 'x']).kappa).toBeNaN(); // one category, p_e = 1: undefined
    expect(() => cohenKappa([1], [1, 2])).toThrow(RangeError);
  });
});
