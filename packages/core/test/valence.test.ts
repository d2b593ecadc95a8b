import { describe, expect, it } from 'vitest';
import { NaturalCategory, valenceOf } from '../src/index.js';

describe('valenceOf', () => {
  it('reads thumbs as +1 / -1', () => {
    expect(valenceOf({ kind: 'thumbs', value: 'up' })).toBe(1);
    expect(valenceOf({ kind: 'thumbs', value: 'down' })).toBe(-1);
  });

  it('maps a 1..5 rating linearly onto -1..+1', () => {
    const valences = [1, 2, 3, 4, 5].map((score) => valenceOf({ kind: 'rating', score, scale_min: 1, scale_max: 5 }));
    expect(valences).toEqual([-1, -0.5, 0, 0.5, 1]);
  });

  it('maps other scales so that the ends are -1 and +1 and the middle is 0', () => {
    const cases: [number, number, number, number][] = [
      // [min, max, score, valence]
      [0, 10, 0, -1],
      [0, 10, 5, 0],
      [0, 10, 10, 1],
      [1, 7, 4, 0],
      [1, 7, 7, 1],
      [-3, 3, -3, -1],
      [-3, 3, 0, 0],
      [-3, 3, 3, 1],
      [1, 2, 1, -1],
      [1, 2, 2, 1],
      [0, 100, 75, 0.5],
    ];
    for (const [scale_min, scale_max, score, valence] of cases) {
      expect(valenceOf({ kind: 'rating', score, scale_min, scale_max }), `${score} on ${scale_min}..${scale_max}`).toBeCloseTo(valence, 12);
    }
  });

  it('keeps a higher score more positive on every scale (monotone)', () => {
    for (const [min, max] of [[1, 5], [0, 10], [-10, 10], [1, 100]] as const) {
      let previous = -Infinity;
      for (let score = min; score <= max; score++) {
        const v = valenceOf({ kind: 'rating', score, scale_min: min, scale_max: max })!;
        expect(v).toBeGreaterThan(previous);
        expect(v).toBeGreaterThanOrEqual(-1);
        expect(v).toBeLessThanOrEqual(1);
        previous = v;
      }
    }
  });

  it('gives no valence to comparisons, except a pairwise "both bad"', () => {
    expect(valenceOf({ kind: 'pairwise', outcome: 'a' })).toBeNull();
    expect(valenceOf({ kind: 'pairwise', outcome: 'b' })).toBeNull();
    expect(valenceOf({ kind: 'pairwise', outcome: 'tie' })).toBeNull();
    expect(valenceOf({ kind: 'pairwise', outcome: 'both_bad' })).toBe(-1);
    expect(valenceOf({ kind: 'ranking' })).toBeNull();
  });

  it('takes a critique at its stated sentiment, neutral included, and has none without one', () => {
    expect(valenceOf({ kind: 'critique', sentiment: 1 })).toBe(1);
    expect(valenceOf({ kind: 'critique', sentiment: -1 })).toBe(-1);
    expect(valenceOf({ kind: 'critique', sentiment: 0 })).toBe(0); // 0 is an answer, not "unknown"
    expect(valenceOf({ kind: 'critique' })).toBeNull();
    expect(valenceOf({ kind: 'critique', sentiment: null })).toBeNull();
  });

  it('reads natural feedback: only UR5 (positive feedback) is positive', () => {
    const byCategory = Object.fromEntries(NaturalCategory.options.map((category) => [category, valenceOf({ kind: 'natural', category })]));
    expect(byCategory).toEqual({ UR1: -1, UR2: -1, UR3: -1, UR4: -1, UR5: 1 });
  });

  it('reads corrections, flags and regenerations as negative', () => {
    expect(valenceOf({ kind: 'correction' })).toBe(-1);
    expect(valenceOf({ kind: 'flag' })).toBe(-1);
    expect(valenceOf({ kind: 'regenerate' })).toBe(-1);
  });
});
