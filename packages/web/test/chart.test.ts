import { describe, expect, it } from 'vitest';
import {
  ALPHA_RELIABLE,
  ALPHA_TENTATIVE,
  alphaDomain,
  alphaVerdict,
  countBackground,
  formatFixed,
  formatPercent,
  heatBackground,
  HEAT_MAX_MIX,
  linearScale,
  niceTicks,
  ratingAxis,
  shorten,
} from '../src/lib/chart';

describe('axis ticks', () => {
  it('covers the range with round, evenly spaced ticks that end the axis', () => {
    expect(niceTicks(953, 1088, 5)).toEqual({ ticks: [950, 1000, 1050, 1100], min: 950, max: 1100, step: 50 });
    expect(niceTicks(0, 1, 5).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.35, 1, 5).ticks).toEqual([-0.5, 0, 0.5, 1]);
    expect(niceTicks(12, 97, 4)).toMatchObject({ min: 0, max: 100, step: 25 });
  });

  it('has no float noise, and no negative zero', () => {
    for (const t of niceTicks(0.1, 0.7, 6).ticks) expect(String(t)).toMatch(/^-?\d+(\.\d)?$/);
    expect(Object.is(niceTicks(-1, 1, 4).ticks.find((t) => t === 0), 0)).toBe(true);
  });

  it('widens a single value into a range, and orders a reversed one', () => {
    const one = niceTicks(1000, 1000, 5);
    expect(one.min).toBeLessThan(1000);
    expect(one.max).toBeGreaterThan(1000);
    expect(niceTicks(0, 0, 5).ticks.length).toBeGreaterThan(1);
    expect(niceTicks(10, 0, 5)).toEqual(niceTicks(0, 10, 5));
  });

  it('always includes the data', () => {
    for (const [a, b] of [
      [3.3, 3.31],
      [-250, 1800],
      [0.0001, 0.0009],
      [999.5, 1000.5],
    ] as const) {
      const { min, max, ticks } = niceTicks(a, b, 5);
      expect(min).toBeLessThanOrEqual(a);
      expect(max).toBeGreaterThanOrEqual(b);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBeLessThanOrEqual(12);
    }
  });

  it('survives non-finite input', () => {
    expect(niceTicks(Number.NaN, 3).ticks).toEqual([0]);
  });
});

describe('scales', () => {
  it('maps a domain to pixels, clamped to the range', () => {
    const x = linearScale([0, 1], [10, 110]);
    expect(x(0.25)).toBe(35);
    expect(x(-1)).toBe(10);
    expect(x(2)).toBe(110);
    expect(linearScale([5, 5], [0, 100])(5)).toBe(50);
    expect(linearScale([0, 10], [100, 0])(2.5)).toBe(75);
  });

  it('a rating axis spans every interval, with room on both sides', () => {
    const rows = [
      { rating: 1040, lower: 1012, upper: 1071 },
      { rating: 960, lower: 931, upper: 988 },
    ];
    const axis = ratingAxis(rows);
    expect(axis.min).toBeLessThan(931);
    expect(axis.max).toBeGreaterThan(1071);
    // It hugs the data (4 % of room each side), with the round ticks inside it.
    expect(axis.min).toBeGreaterThan(920);
    expect(axis.max).toBeLessThan(1080);
    for (const t of axis.ticks) expect(t >= axis.min && t <= axis.max).toBe(true);
    expect(axis.ticks.length).toBeGreaterThanOrEqual(2);
    expect(ratingAxis([{ lower: 960, upper: 1040 }])).toEqual({ min: 956.8, max: 1043.2, ticks: [960, 980, 1000, 1020, 1040] });
    // A wide spread on a phone (few ticks) still has at least two.
    expect(ratingAxis([{ lower: 787, upper: 1220 }], 3).ticks.length).toBeGreaterThanOrEqual(2);
    // Without bootstrap the intervals are points: the axis still has a width.
    const flat = ratingAxis([{ rating: 1000, lower: 1000, upper: 1000 }]);
    expect(flat.max - flat.min).toBeGreaterThanOrEqual(20);
    expect(ratingAxis([]).ticks.length).toBeGreaterThan(1);
  });
});

describe('heatmap colours', () => {
  it('mixes the win colour above one half and the loss colour below, stronger further away', () => {
    expect(heatBackground(1)).toBe(`color-mix(in srgb, var(--heat-win) ${HEAT_MAX_MIX}%, var(--surface))`);
    expect(heatBackground(0)).toBe(`color-mix(in srgb, var(--heat-loss) ${HEAT_MAX_MIX}%, var(--surface))`);
    expect(heatBackground(0.75)).toBe('color-mix(in srgb, var(--heat-win) 35%, var(--surface))');
    expect(heatBackground(0.25)).toBe('color-mix(in srgb, var(--heat-loss) 35%, var(--surface))');
    expect(heatBackground(0.5)).toBe('var(--surface-2)');
  });

  it('leaves cells blank where the models never met, and clamps stray values', () => {
    expect(heatBackground(null)).toBeUndefined();
    expect(heatBackground(undefined)).toBeUndefined();
    expect(heatBackground(Number.NaN)).toBeUndefined();
    expect(heatBackground(1.7)).toBe(heatBackground(1));
  });

  it('shades battle counts in proportion, none for zero', () => {
    expect(countBackground(0, 10)).toBeUndefined();
    expect(countBackground(3, 0)).toBeUndefined();
    expect(countBackground(10, 10)).toBe(`color-mix(in srgb, var(--heat-count) ${HEAT_MAX_MIX}%, var(--surface))`);
    expect(countBackground(5, 10)).toBe('color-mix(in srgb, var(--heat-count) 35%, var(--surface))');
    expect(countBackground(1, 1000)).toContain(' 6%'); // a single battle is still visible
  });
});

describe("Krippendorff's thresholds", () => {
  it('reads an alpha as reliable, tentative or not', () => {
    expect([ALPHA_TENTATIVE, ALPHA_RELIABLE]).toEqual([0.667, 0.8]);
    expect(alphaVerdict(0.95)).toBe('reliable');
    expect(alphaVerdict(0.8)).toBe('reliable');
    expect(alphaVerdict(0.71)).toBe('tentative');
    expect(alphaVerdict(0.667)).toBe('tentative');
    expect(alphaVerdict(0.66)).toBe('unreliable');
    expect(alphaVerdict(-0.2)).toBe('unreliable');
    expect(alphaVerdict(null)).toBe('undefined');
  });

  it('charts 0…1, further left for systematic disagreement', () => {
    expect(alphaDomain([0.5, 0.9])).toEqual([0, 1]);
    expect(alphaDomain([0.5, -0.3])).toEqual([-0.4, 1]);
    expect(alphaDomain([-0.4])).toEqual([-0.4, 1]);
    expect(alphaDomain([-3])).toEqual([-1, 1]);
    expect(alphaDomain([null])).toEqual([0, 1]);
  });
});

describe('formats', () => {
  it('writes numbers in the reader’s language, with a dash for none', () => {
    expect(formatFixed(0.6667, 3, 'en')).toBe('0.667');
    expect(formatFixed(0.6667, 3, 'pt')).toBe('0,667');
    expect(formatFixed(null, 3, 'en')).toBe('—');
    expect(formatFixed(Number.POSITIVE_INFINITY, 1, 'en')).toBe('—');
    expect(formatPercent(0.625, 'en')).toBe('63%');
    expect(formatPercent(0.5, 'pt')).toMatch(/^50\s?%$/);
    expect(formatPercent(null, 'en')).toBe('—');
  });

  it('shortens long names with an ellipsis, leaving short ones alone', () => {
    expect(shorten('Heron 7B', 12)).toBe('Heron 7B');
    expect(shorten('Kestrel Chat 70B Instruct', 12)).toBe('Kestrel Cha…');
    expect([...shorten('Kestrel Chat 70B Instruct', 12)]).toHaveLength(12);
    expect(shorten('Modelo português', 9)).toBe('Modelo p…');
  });
});
