/*
 * Agreement between raters: Krippendorff's alpha (any number of raters, missing ratings, four
 * metrics), Fleiss' kappa (a fixed number of raters per item) and Cohen's kappa (two raters,
 * unweighted or weighted).
 */

/** A rating: a number or a category label. null / undefined (and NaN) mean "not rated". */
export type RatingValue = number | string;
type Cell = RatingValue | null | undefined;

/** How far apart two values are for Krippendorff's alpha (K. Krippendorff, "Content Analysis", ch. 12). */
export type AlphaMetric = 'nominal' | 'ordinal' | 'interval' | 'ratio';

export interface KrippendorffOptions {
  /**
   * The order of the categories, for ordinal data given as labels ("bad" < "ok" < "good"); every
   * value must be in it. Without it ordinal values are ordered as numbers, or labels by code point.
   */
  order?: readonly RatingValue[];
}

export interface KrippendorffResult {
  /**
   * 1 − D_o / D_e: 1 perfect agreement, 0 as by chance, below 0 systematic disagreement. NaN when it
   * is undefined: no pairable values, or no variation at all (every pairable value the same, D_e = 0).
   */
  alpha: number;
  /** Units with at least two ratings (the pairable ones; the others carry no information). */
  units: number;
  /** Raters with a rating in a pairable unit (given units × values: the most ratings of one unit). */
  raters: number;
  /** Ratings in pairable units (n, the total of the coincidence matrix). */
  pairable: number;
  /** Distinct values among the pairable ratings. */
  values: number;
  /** D_o, the observed disagreement, and D_e, the disagreement expected by chance. */
  observedDisagreement: number;
  expectedDisagreement: number;
}

/** The ratings of each unit as (category, count) runs; categories 0..V−1 in order. */
interface EncodedUnits {
  unitStart: Int32Array;
  category: Int32Array;
  weight: Float64Array | null;
  /** Category values (numbers) for the interval and ratio metrics. */
  numeric: Float64Array | null;
  categories: number;
  /** Per entry: its coder, when known. */
  coder: Int32Array | null;
  coders: number;
}

const isMissing = (v: Cell): v is null | undefined => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

/** Distinct values met while encoding, then put in the order the metric needs. */
class Categories {
  readonly index = new Map<RatingValue, number>();
  readonly values: RatingValue[] = [];
  of(v: RatingValue): number {
    let i = this.index.get(v);
    if (i === undefined) {
      i = this.values.length;
      this.index.set(v, i);
      this.values.push(v);
    }
    return i;
  }
  /** The permutation from first-seen indices to ordered indices, and the ordered values as numbers (interval, ratio). */
  ordered(metric: AlphaMetric, order: readonly RatingValue[] | undefined): { remap: Int32Array; numeric: Float64Array | null; count: number } {
    const vs = this.values;
    const remap = new Int32Array(vs.length);
    const numbers = vs.every((v) => typeof v === 'number');
    if ((metric === 'interval' || metric === 'ratio') && !numbers) throw new TypeError(`${metric} alpha needs numeric ratings`);
    if (metric === 'ratio' && vs.some((v) => (v as number) < 0)) throw new RangeError('ratio alpha needs ratings ≥ 0');
    if (order && metric !== 'interval' && metric !== 'ratio') {
      const position = new Map<RatingValue, number>();
      order.forEach((v, i) => {
        if (position.has(v)) throw new RangeError(`category ${JSON.stringify(v)} is listed twice in order`);
        position.set(v, i);
      });
      vs.forEach((v, i) => {
        const p = position.get(v);
        if (p === undefined) throw new RangeError(`rating ${JSON.stringify(v)} is not in the given order`);
        remap[i] = p;
      });
      return { remap, numeric: null, count: order.length };
    }
    const sorted = vs.map((v, i) => i);
    if (metric !== 'nominal') sorted.sort(numbers ? (x, y) => (vs[x] as number) - (vs[y] as number) : (x, y) => (String(vs[x]) < String(vs[y]) ? -1 : String(vs[x]) > String(vs[y]) ? 1 : 0));
    sorted.forEach((original, position) => (remap[original] = position));
    const numeric = numbers ? Float64Array.from(sorted, (i) => vs[i] as number) : null;
    return { remap, numeric, count: vs.length };
  }
}

/**
 * Krippendorff's alpha of reliability data given as coders × units (rows are coders; null for a
 * missing rating), for the nominal, ordinal, interval or ratio metric: α = 1 − D_o / D_e from the
 * coincidence matrix of the pairable values (K. Krippendorff 2011, "Computing Krippendorff's
 * alpha-reliability"). One pass over the units; O(ratings) for the nominal and interval metrics
 * (plus O(values²) for ordinal and ratio).
 * @example krippendorffAlpha([[1, 2, 3], [1, 2, 3]], 'interval').alpha // 1
 */
export function krippendorffAlpha(data: readonly (readonly Cell[])[], metric: AlphaMetric = 'nominal', options: KrippendorffOptions = {}): KrippendorffResult {
  const coders = data.length;
  let units = 0;
  for (const row of data) units = Math.max(units, row.length);
  const categories = new Categories();
  const unitStart = new Int32Array(units + 1);
  let size = 0;
  for (const row of data) for (const v of row) if (!isMissing(v)) size++;
  const category = new Int32Array(size);
  const coder = new Int32Array(size);
  let e = 0;
  for (let u = 0; u < units; u++) {
    unitStart[u] = e;
    for (let r = 0; r < coders; r++) {
      const v = data[r]![u];
      if (isMissing(v)) continue;
      category[e] = categories.of(v);
      coder[e] = r;
      e++;
    }
  }
  unitStart[units] = e;
  const { remap, numeric, count } = categories.ordered(metric, options.order);
  for (let i = 0; i < size; i++) category[i] = remap[category[i]!]!;
  return alphaOf({ unitStart, category, weight: null, numeric, categories: count, coder, coders }, metric);
}

/**
 * Krippendorff's alpha of ratings grouped by unit: each unit's ratings in any order (null for
 * missing), as an array or iterable of arrays, a Map or a plain object of unit → ratings.
 * `raters` is then the most ratings any unit has. See `krippendorffAlpha`.
 * @example krippendorffAlphaByUnit({ q1: ['good', 'good'], q2: ['bad', 'good', 'bad'] }, 'nominal')
 */
export function krippendorffAlphaByUnit(
  units: Iterable<readonly Cell[]> | ReadonlyMap<unknown, readonly Cell[]> | Readonly<Record<string, readonly Cell[]>>,
  metric: AlphaMetric = 'nominal',
  options: KrippendorffOptions = {},
): KrippendorffResult {
  const list: Iterable<readonly Cell[]> = units instanceof Map ? units.values() : Symbol.iterator in units ? (units as Iterable<readonly Cell[]>) : Object.values(units as Record<string, readonly Cell[]>);
  const categories = new Categories();
  const starts: number[] = [0];
  const cats: number[] = [];
  for (const unit of list) {
    for (const v of unit) if (!isMissing(v)) cats.push(categories.of(v));
    starts.push(cats.length);
  }
  const { remap, numeric, count } = categories.ordered(metric, options.order);
  const category = Int32Array.from(cats, (c) => remap[c]!);
  return alphaOf({ unitStart: Int32Array.from(starts), category, weight: null, numeric, categories: count, coder: null, coders: 0 }, metric);
}

/**
 * Krippendorff's alpha from value counts: units × values, [u][c] = how many raters gave unit u the
 * value c. `values` are the values of the columns (default 1, 2, …), used by the interval and ratio
 * metrics and, for ordinal, only through their order (columns must be in order). See `krippendorffAlpha`.
 * @example krippendorffAlphaFromCounts([[2, 0], [0, 2]], 'nominal').alpha // 1
 */
export function krippendorffAlphaFromCounts(counts: readonly (readonly number[])[], metric: AlphaMetric = 'nominal', values?: readonly number[]): KrippendorffResult {
  const v = counts.reduce((m, row) => Math.max(m, row.length), 0);
  const numeric = Float64Array.from({ length: v }, (_, c) => values?.[c] ?? c + 1);
  if (values && values.length < v) throw new RangeError('one value per column of counts');
  for (let c = 1; c < v; c++) if (!(numeric[c]! > numeric[c - 1]!)) throw new RangeError('column values must increase');
  const starts: number[] = [0];
  const cats: number[] = [];
  const weights: number[] = [];
  for (const row of counts) {
    row.forEach((n, c) => {
      if (!(n >= 0) || !Number.isFinite(n)) throw new RangeError('counts must be finite and ≥ 0');
      if (n > 0) (cats.push(c), weights.push(n));
    });
    starts.push(cats.length);
  }
  return alphaOf({ unitStart: Int32Array.from(starts), category: Int32Array.from(cats), weight: Float64Array.from(weights), numeric, categories: v, coder: null, coders: 0 }, metric);
}

function alphaOf(d: EncodedUnits, metric: AlphaMetric): KrippendorffResult {
  const units = d.unitStart.length - 1;
  const V = d.categories;
  const nc = new Float64Array(V);
  const unitCount = new Float64Array(V);
  const touched = new Int32Array(V);
  const coderSeen = d.coder ? new Uint8Array(d.coders) : null;
  let n = 0;
  let pairableUnits = 0;
  let maxPerUnit = 0;
  // Pass 1: the margins n_c over the pairable units.
  for (let u = 0; u < units; u++) {
    const from = d.unitStart[u]!;
    const to = d.unitStart[u + 1]!;
    let m = 0;
    if (d.weight) for (let e = from; e < to; e++) m += d.weight[e]!;
    else m = to - from;
    if (m < 2) continue;
    pairableUnits++;
    n += m;
    maxPerUnit = Math.max(maxPerUnit, m);
    for (let e = from; e < to; e++) nc[d.category[e]!]! += d.weight ? d.weight[e]! : 1;
    if (coderSeen) for (let e = from; e < to; e++) coderSeen[d.coder![e]!] = 1;
  }
  const raters = coderSeen ? coderSeen.reduce((s, x) => s + x, 0) : maxPerUnit;
  const result = (alpha: number, observed: number, expected: number): KrippendorffResult => ({
    alpha,
    units: pairableUnits,
    raters,
    pairable: n,
    values: nc.reduce((s, x) => s + (x > 0 ? 1 : 0), 0),
    observedDisagreement: observed,
    expectedDisagreement: expected,
  });
  if (n < 2) return result(Number.NaN, Number.NaN, Number.NaN);

  const x = d.numeric;
  if ((metric === 'interval' || metric === 'ratio') && !x) throw new TypeError(`${metric} alpha needs numeric ratings`);
  // δ²(c, k) for categories c < k.
  let delta2: (c: number, k: number) => number;
  if (metric === 'nominal') delta2 = () => 1;
  else if (metric === 'interval') delta2 = (c, k) => (x![c]! - x![k]!) ** 2;
  else if (metric === 'ratio') delta2 = (c, k) => (x![c]! + x![k]! === 0 ? 0 : ((x![c]! - x![k]!) / (x![c]! + x![k]!)) ** 2);
  else {
    const prefix = new Float64Array(V + 1);
    for (let c = 0; c < V; c++) prefix[c + 1] = prefix[c]! + nc[c]!;
    delta2 = (c, k) => (prefix[k + 1]! - prefix[c]! - (nc[c]! + nc[k]!) / 2) ** 2;
  }

  // Pass 2: observed disagreement, Σ_u Σ_{ordered pairs i≠j in u} δ²(v_i, v_j) / (m_u − 1).
  let observed = 0;
  for (let u = 0; u < units; u++) {
    const from = d.unitStart[u]!;
    const to = d.unitStart[u + 1]!;
    if (to - from < 1) continue;
    if (metric === 'interval' && !d.weight) {
      const m = to - from;
      if (m < 2) continue;
      let mean = 0;
      for (let e = from; e < to; e++) mean += x![d.category[e]!]!;
      mean /= m;
      let ss = 0;
      for (let e = from; e < to; e++) ss += (x![d.category[e]!]! - mean) ** 2;
      observed += (2 * m * ss) / (m - 1);
      continue;
    }
    let distinct = 0;
    let m = 0;
    for (let e = from; e < to; e++) {
      const c = d.category[e]!;
      const w = d.weight ? d.weight[e]! : 1;
      if (unitCount[c] === 0) touched[distinct++] = c;
      unitCount[c]! += w;
      m += w;
    }
    if (m >= 2 && distinct > 1) {
      let sum = 0;
      if (metric === 'nominal') {
        let squares = 0;
        for (let t = 0; t < distinct; t++) squares += unitCount[touched[t]!]! ** 2;
        sum = m * m - squares;
      } else {
        for (let s = 0; s < distinct; s++) {
          const c = touched[s]!;
          for (let t = s + 1; t < distinct; t++) {
            const k = touched[t]!;
            sum += 2 * unitCount[c]! * unitCount[k]! * (c < k ? delta2(c, k) : delta2(k, c));
          }
        }
      }
      observed += sum / (m - 1);
    }
    for (let t = 0; t < distinct; t++) unitCount[touched[t]!] = 0;
  }

  // Expected disagreement, Σ_{c≠k} n_c n_k δ²(c, k).
  let expected = 0;
  if (metric === 'nominal') {
    let squares = 0;
    for (let c = 0; c < V; c++) squares += nc[c]! ** 2;
    expected = n * n - squares;
  } else if (metric === 'interval') {
    let mean = 0;
    for (let c = 0; c < V; c++) mean += nc[c]! * x![c]!;
    mean /= n;
    for (let c = 0; c < V; c++) expected += nc[c]! * (x![c]! - mean) ** 2;
    expected *= 2 * n;
  } else {
    const present: number[] = [];
    for (let c = 0; c < V; c++) if (nc[c]! > 0) present.push(c);
    for (let s = 0; s < present.length; s++) {
      const c = present[s]!;
      for (let t = s + 1; t < present.length; t++) expected += 2 * nc[c]! * nc[present[t]!]! * delta2(c, present[t]!);
    }
  }
  const Do = observed / n;
  const De = expected / (n * (n - 1));
  const alpha = expected > 0 ? 1 - ((n - 1) * observed) / expected : Number.NaN;
  return result(alpha, Do, De);
}

// ---- Fleiss' kappa ----

export interface FleissResult {
  /** (P̄ − P̄e) / (1 − P̄e); NaN when undefined (every rating in one category, P̄e = 1). */
  kappa: number;
  items: number;
  /** Raters per item. */
  raters: number;
  /** P̄, the mean agreement per item, and P̄e, the agreement expected by chance. */
  observedAgreement: number;
  expectedAgreement: number;
}

/**
 * Fleiss' kappa (J. L. Fleiss 1971, "Measuring nominal scale agreement among many raters") of
 * items × categories counts: [i][j] = how many raters put item i in category j; every item needs the
 * same number of raters (≥ 2); items with no ratings are left out.
 * @example fleissKappa([[2, 0], [0, 2]]).kappa // 1
 */
export function fleissKappa(counts: readonly (readonly number[])[]): FleissResult {
  const k = counts.reduce((m, row) => Math.max(m, row.length), 0);
  const totals = new Float64Array(k);
  let raters = -1;
  let items = 0;
  let agreement = 0;
  for (const row of counts) {
    let n = 0;
    let squares = 0;
    for (const c of row) {
      if (!(c >= 0) || !Number.isFinite(c)) throw new RangeError('counts must be finite and ≥ 0');
      n += c;
      squares += c * c;
    }
    if (n === 0) continue;
    if (raters === -1) raters = n;
    else if (n !== raters) throw new RangeError(`Fleiss' kappa needs the same number of raters for every item (${raters} and ${n})`);
    if (n < 2) throw new RangeError("Fleiss' kappa needs at least two raters per item");
    row.forEach((c, j) => (totals[j]! += c));
    agreement += (squares - n) / (n * (n - 1));
    items++;
  }
  if (items === 0) return { kappa: Number.NaN, items: 0, raters: 0, observedAgreement: Number.NaN, expectedAgreement: Number.NaN };
  const P = agreement / items;
  let Pe = 0;
  for (const t of totals) Pe += (t / (items * raters)) ** 2;
  return { kappa: Pe < 1 ? (P - Pe) / (1 - Pe) : Number.NaN, items, raters, observedAgreement: P, expectedAgreement: Pe };
}

// ---- Cohen's kappa ----

export type KappaWeights = 'none' | 'linear' | 'quadratic';

export interface CohenResult {
  /** (p_o − p_e) / (1 − p_e), weighted if asked; NaN when undefined (p_e = 1: both raters always used one same category). */
  kappa: number;
  /** Items rated by both. */
  items: number;
  /** The (weighted) observed and chance agreement. */
  observedAgreement: number;
  expectedAgreement: number;
  /** The categories, in the order the weights use. */
  categories: RatingValue[];
}

/**
 * Cohen's kappa of two raters' labels for the same items (J. Cohen 1960; weighted: Cohen 1968),
 * items where either is null left out. Weighted kappa uses disagreement weights |i − j| / (K − 1)
 * (linear) or their square (quadratic) over the positions i, j of the categories in `categories`
 * (default: every label either rater used, numbers ascending, labels by code point).
 * @example cohenKappa(['y', 'y', 'n'], ['y', 'n', 'n']).kappa // 0.4
 */
export function cohenKappa(a: readonly Cell[], b: readonly Cell[], weights: KappaWeights = 'none', categories?: readonly RatingValue[]): CohenResult {
  if (a.length !== b.length) throw new RangeError('the two raters must rate the same items');
  let cats: RatingValue[];
  if (categories) cats = [...categories];
  else {
    const seen = new Set<RatingValue>();
    for (const v of [...a, ...b]) if (!isMissing(v)) seen.add(v);
    cats = [...seen];
    const numbers = cats.every((v) => typeof v === 'number');
    cats.sort(numbers ? (x, y) => (x as number) - (y as number) : (x, y) => (String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0));
  }
  const index = new Map(cats.map((c, i) => [c, i]));
  if (index.size !== cats.length) throw new RangeError('categories must be distinct');
  const k = cats.length;
  const table = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (isMissing(x) || isMissing(y)) continue;
    const r = index.get(x);
    const c = index.get(y);
    if (r === undefined || c === undefined) throw new RangeError(`label ${JSON.stringify(r === undefined ? x : y)} is not among the categories`);
    table[r]![c]!++;
  }
  return { ...cohenKappaFromTable(table, weights), categories: cats };
}

/**
 * Cohen's kappa from a K × K contingency table: [i][j] = items rater A put in category i and rater B
 * in category j (categories in order, for the weights). See `cohenKappa`.
 * @example cohenKappaFromTable([[20, 5], [10, 15]]).kappa // 0.4
 */
export function cohenKappaFromTable(table: readonly (readonly number[])[], weights: KappaWeights = 'none'): Omit<CohenResult, 'categories'> {
  const k = table.length;
  for (const row of table) if (row.length !== k) throw new RangeError('the table must be square');
  const rows = new Float64Array(k);
  const cols = new Float64Array(k);
  let n = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = table[i]![j]!;
      if (!(c >= 0) || !Number.isFinite(c)) throw new RangeError('counts must be finite and ≥ 0');
      rows[i]! += c;
      cols[j]! += c;
      n += c;
    }
  }
  if (n === 0) return { kappa: Number.NaN, items: 0, observedAgreement: Number.NaN, expectedAgreement: Number.NaN };
  const w = (i: number, j: number): number => {
    if (i === j) return 0;
    if (weights === 'none') return 1;
    const d = Math.abs(i - j) / (k - 1);
    return weights === 'linear' ? d : d * d;
  };
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const wij = w(i, j);
      if (wij === 0) continue;
      observed += (wij * table[i]![j]!) / n;
      expected += (wij * rows[i]! * cols[j]!) / (n * n);
    }
  }
  const po = 1 - observed;
  const pe = 1 - expected;
  return { kappa: expected > 0 ? 1 - observed / expected : Number.NaN, items: n, observedAgreement: po, expectedAgreement: pe };
}
