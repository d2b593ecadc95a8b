import { cohenKappa, fleissKappa, krippendorffAlphaByUnit, type AgreementFigure, type AlphaMetric, type RatingValue } from '@openfeedback/core';

/** The judgements one figure is about: per unit (an answer, a pair of answers), each person's value. */
export type UnitJudgements = Iterable<ReadonlyMap<string, RatingValue>>;

/** How the values are measured: a numeric scale (rubric questions, overall ratings) or labels (thumbs, pairwise). */
export type Measure = { level: 'ordinal'; min: number; max: number } | { level: 'nominal'; labels: readonly string[] };

/** What a figure says about itself: the subject, and the question and scale when there is one. */
export type FigureLabel = Pick<AgreementFigure, 'subject' | 'question_id' | 'question' | 'community' | 'scale_min' | 'scale_max'>;

const figure = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Agreement between people on one subject: Krippendorff's alpha under every metric that suits the
 * measure (scales: nominal, ordinal, interval, and ratio when the scale starts at 0 or above;
 * labels: nominal only); Fleiss' kappa on the items with the most common number of raters (the
 * larger number on a tie); Cohen's kappa of the two people with the most items in common
 * (unweighted, and linear and quadratic for scales). Only items judged by two or more people count;
 * with none, the counts are 0 and every figure null (shown rather than left out, so that a
 * reviewer sees there is nothing to measure yet). Undefined figures (no variation at all) are null.
 */
export function agreementFigure(label: FigureLabel, units: UnitJudgements, measure: Measure): AgreementFigure {
  const pairable = [...units].filter((u) => u.size >= 2);
  const raters = new Set<string>();
  let ratings = 0;
  for (const u of pairable) {
    for (const person of u.keys()) raters.add(person);
    ratings += u.size;
  }
  const values = pairable.map((u) => [...u.values()]);
  const alpha = (metric: AlphaMetric) => (pairable.length === 0 ? null : figure(krippendorffAlphaByUnit(values, metric).alpha));
  const scale = measure.level === 'ordinal';
  const nonNegative = scale && measure.min >= 0 && values.every((vs) => vs.every((v) => (v as number) >= 0));
  return {
    ...label,
    level: measure.level,
    items: pairable.length,
    raters: raters.size,
    ratings,
    krippendorff: {
      nominal: alpha('nominal'),
      ordinal: scale ? alpha('ordinal') : null,
      interval: scale ? alpha('interval') : null,
      ratio: nonNegative ? alpha('ratio') : null,
    },
    fleiss: fleissOf(values),
    cohen: cohenOf(pairable, categoriesOf(measure, values)),
  };
}

/** Fleiss' kappa on the items that have the most common number of raters. */
function fleissOf(values: readonly RatingValue[][]): AgreementFigure['fleiss'] {
  if (values.length === 0) return null;
  const frequency = new Map<number, number>();
  for (const vs of values) frequency.set(vs.length, (frequency.get(vs.length) ?? 0) + 1);
  let raters = 0;
  let most = 0;
  for (const [n, f] of frequency) if (f > most || (f === most && n > raters)) [raters, most] = [n, f];
  const chosen = values.filter((vs) => vs.length === raters);
  const index = new Map<RatingValue, number>();
  for (const vs of chosen) for (const v of vs) if (!index.has(v)) index.set(v, index.size);
  const counts = chosen.map((vs) => {
    const row = new Array<number>(index.size).fill(0);
    for (const v of vs) row[index.get(v)!]!++;
    return row;
  });
  return { kappa: figure(fleissKappa(counts).kappa), items: chosen.length, raters_per_item: raters };
}

/** Cohen's kappa of the two people who judged the most items in common (ties: the first pair by id). */
function cohenOf(units: readonly ReadonlyMap<string, RatingValue>[], categories: { labels: RatingValue[]; weighted: boolean }): AgreementFigure['cohen'] {
  const common = new Map<string, number>();
  for (const u of units) {
    const people = [...u.keys()].sort();
    for (let i = 0; i < people.length; i++) for (let j = i + 1; j < people.length; j++) {
      const key = `${people[i]}\u0000${people[j]}`;
      common.set(key, (common.get(key) ?? 0) + 1);
    }
  }
  let best: string | null = null;
  for (const [key, n] of common) if (best === null || n > common.get(best)! || (n === common.get(best)! && key < best)) best = key;
  if (best === null) return null;
  const [first, second] = best.split('\u0000') as [string, string];
  const a: RatingValue[] = [];
  const b: RatingValue[] = [];
  for (const u of units) {
    if (u.has(first) && u.has(second)) (a.push(u.get(first)!), b.push(u.get(second)!));
  }
  const kappa = (weights: 'none' | 'linear' | 'quadratic') => figure(cohenKappa(a, b, weights, categories.labels).kappa);
  return { kappa: kappa('none'), linear: categories.weighted ? kappa('linear') : null, quadratic: categories.weighted ? kappa('quadratic') : null, items: a.length };
}

/** The categories Cohen's kappa weighs over: every whole point of a scale (and any other score given), or the labels. */
function categoriesOf(measure: Measure, values: readonly RatingValue[][]): { labels: RatingValue[]; weighted: boolean } {
  const seen = new Set<RatingValue>(values.flat());
  if (measure.level === 'nominal') return { labels: [...new Set([...measure.labels, ...seen])], weighted: false };
  for (let v = Math.ceil(measure.min); v <= measure.max; v++) seen.add(v);
  return { labels: [...seen].sort((x, y) => (x as number) - (y as number)), weighted: true };
}
