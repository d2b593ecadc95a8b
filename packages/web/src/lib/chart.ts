/*
 * The arithmetic of the hand-drawn charts (leaderboard, agreement): axis ticks, scales, the colour of
 * a heatmap cell, number formats. Pure functions, tested in test/chart.test.ts; the SVG is in the
 * screens. No chart library: a few hundred bytes instead of a few hundred kilobytes.
 */

/** Round steps for an axis: 1, 2, 2.5 and 5 times a power of ten. */
const STEPS = [1, 2, 2.5, 5, 10];

/**
 * About `count` evenly spaced round ticks covering [min, max], and the axis domain they span (the
 * first and last tick, so that the ends of the axis are labelled).
 * @example niceTicks(953, 1088, 5) // { ticks: [950, 1000, 1050, 1100], min: 950, max: 1100 }
 */
export function niceTicks(min: number, max: number, count = 5): { ticks: number[]; min: number; max: number; step: number } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { ticks: [0], min: 0, max: 1, step: 1 };
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = STEPS.map((s) => s * power).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * power;
  const first = Math.floor(min / step + 1e-9) * step;
  const last = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; first + i * step <= last + step * 1e-9; i++) ticks.push(clean(first + i * step, step));
  return { ticks, min: ticks[0]!, max: ticks[ticks.length - 1]!, step };
}

/** Removes float noise from a tick (0.30000000000000004 → 0.3), keeping the step's decimals. */
function clean(x: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const v = Number(x.toFixed(Math.min(10, decimals)));
  return Object.is(v, -0) ? 0 : v;
}

/**
 * A linear map from a domain to a range (pixels), clamped to the range.
 * @example linearScale([0, 1], [10, 110])(0.25) // 35
 */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (x: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const lo = Math.min(r0, r1);
  const hi = Math.max(r0, r1);
  return (x) => {
    const y = span === 0 ? (r0 + r1) / 2 : r0 + ((x - d0) / span) * (r1 - r0);
    return Math.min(hi, Math.max(lo, y));
  };
}

/**
 * The span a rating chart shows: every interval (and rating) with a little room on both sides, and
 * the round ticks that fall inside it. The span hugs the data rather than the round ticks, so that
 * the intervals fill the width even on a phone.
 * @example ratingAxis([{ lower: 960, upper: 1040 }]) // { min: 956.8, max: 1043.2, ticks: [960, 980, 1000, 1020, 1040] }
 */
export function ratingAxis(rows: readonly { lower: number; upper: number; rating?: number }[], count = 5): { ticks: number[]; min: number; max: number } {
  if (rows.length === 0) return niceTicks(900, 1100, count);
  let min = Math.min(...rows.map((r) => Math.min(r.lower, r.rating ?? r.lower)));
  let max = Math.max(...rows.map((r) => Math.max(r.upper, r.rating ?? r.upper)));
  if (!Number.isFinite(min) || !Number.isFinite(max)) return niceTicks(900, 1100, count);
  if (max - min < 20) {
    const mid = (min + max) / 2;
    min = mid - 10;
    max = mid + 10;
  }
  const pad = (max - min) * 0.04;
  const lo = clean(min - pad, 0.01);
  const hi = clean(max + pad, 0.01);
  const nice = niceTicks(lo, hi, count);
  const inside = nice.ticks.filter((t) => t >= lo && t <= hi);
  return inside.length >= 2 ? { ticks: inside, min: lo, max: hi } : nice;
}

/** The strongest share of colour in a heatmap cell: text stays readable on it in both themes. */
export const HEAT_MAX_MIX = 70;

/**
 * The background of a win-rate cell: the "win" colour above one half, the "loss" colour below, mixed
 * into the page's surface in proportion to the distance from one half; undefined where the models
 * never met. CSS variables, so that light and dark themes each have their own colours.
 * @example heatBackground(0.75) // 'color-mix(in srgb, var(--heat-win) 35%, var(--surface))'
 */
export function heatBackground(rate: number | null | undefined): string | undefined {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return undefined;
  const r = Math.min(1, Math.max(0, rate));
  const strength = Math.round(Math.abs(r - 0.5) * 2 * HEAT_MAX_MIX);
  if (strength === 0) return 'var(--surface-2)';
  return `color-mix(in srgb, var(${r > 0.5 ? '--heat-win' : '--heat-loss'}) ${strength}%, var(--surface))`;
}

/**
 * The background of a battle-count cell: one colour, stronger with more battles; undefined for none.
 * @example countBackground(5, 10) // 'color-mix(in srgb, var(--heat-count) 35%, var(--surface))'
 */
export function countBackground(count: number, max: number): string | undefined {
  if (!(count > 0) || !(max > 0)) return undefined;
  const strength = Math.max(6, Math.round((Math.min(count, max) / max) * HEAT_MAX_MIX));
  return `color-mix(in srgb, var(--heat-count) ${strength}%, var(--surface))`;
}

/** Krippendorff's reading of an alpha: rely on it (≥ .800), tentative conclusions only (≥ .667), or not. */
export const ALPHA_RELIABLE = 0.8;
export const ALPHA_TENTATIVE = 0.667;
export type AlphaVerdict = 'reliable' | 'tentative' | 'unreliable' | 'undefined';

/**
 * @example alphaVerdict(0.71) // 'tentative'
 */
export function alphaVerdict(alpha: number | null | undefined): AlphaVerdict {
  if (alpha === null || alpha === undefined || !Number.isFinite(alpha)) return 'undefined';
  if (alpha >= ALPHA_RELIABLE) return 'reliable';
  if (alpha >= ALPHA_TENTATIVE) return 'tentative';
  return 'unreliable';
}

/**
 * The domain of an alpha chart: always 0…1 (the reference lines are in it), further left when some
 * alpha is below 0 (systematic disagreement), on ticks of 0.2.
 * @example alphaDomain([0.5, -0.3]) // [-0.4, 1]
 */
export function alphaDomain(alphas: readonly (number | null)[]): [number, number] {
  const lowest = Math.min(0, ...alphas.filter((a): a is number => a !== null && Number.isFinite(a)));
  return [lowest >= 0 ? 0 : Math.max(-1, Math.floor(lowest / 0.2 + 1e-9) * 0.2), 1].map((x) => clean(x, 0.2)) as [number, number];
}

/**
 * A number with a fixed count of decimals in the reader's language, or "—" when there is none.
 * @example formatFixed(0.6667, 3, 'pt') // '0,667'
 */
export function formatFixed(x: number | null | undefined, decimals: number, locale?: string): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(x);
}

/**
 * A share (0…1) as a whole percentage, or "—".
 * @example formatPercent(0.625, 'en') // '63%'
 */
export function formatPercent(x: number | null | undefined, locale?: string): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(x);
}

/**
 * A name cut to fit a narrow label, with an ellipsis.
 * @example shorten('Kestrel Chat 70B Instruct', 12) // 'Kestrel Cha…'
 */
export function shorten(name: string, max: number): string {
  const chars = [...name];
  return chars.length <= max ? name : `${chars.slice(0, Math.max(1, max - 1)).join('').trimEnd()}…`;
}
