import { describe, expect, it } from 'vitest';
import {
  AGAINST_CONSENSUS_P,
  agreementPValue,
  binaryLabel,
  binomialCdf,
  estimateCrowdQuality,
  majorityLabel,
  reliability,
  scoreGoldAnswer,
  suspicionScore,
  TRUST_PRIOR_MEAN,
  weightedConsensus,
  type BinaryLabel,
  seededRandom,
  type CrowdVote,
  type GoldAnswer,
} from '../src/index.js';

const rng = seededRandom;

type Kind = 'honest' | 'random' | 'opposite' | 'always_up';
const flip = (l: BinaryLabel): BinaryLabel => (l === 'up' ? 'down' : 'up');

/** How each kind of rater answers an item whose right answer is `truth`. */
function answer(kind: Kind, truth: BinaryLabel, r: () => number): BinaryLabel {
  switch (kind) {
    case 'honest':
      return r() < 0.9 ? truth : flip(truth);
    case 'random':
      return r() < 0.5 ? 'up' : 'down';
    case 'opposite':
      return flip(truth);
    case 'always_up':
      return 'up';
  }
}

/**
 * A simulated crowd: 600 items (half good), 15 honest raters (right 90 % of the time), 5 random
 * ones, 3 that always answer the opposite and 3 that always say "up"; each item is rated by 5
 * raters drawn at random; 20 gold items, each answered by every rater.
 */
function simulate(seed = 42) {
  const r = rng(seed);
  const raters: { id: string; kind: Kind }[] = [
    ...Array.from({ length: 15 }, (_, i) => ({ id: `honest-${i}`, kind: 'honest' as const })),
    ...Array.from({ length: 5 }, (_, i) => ({ id: `random-${i}`, kind: 'random' as const })),
    ...Array.from({ length: 3 }, (_, i) => ({ id: `opposite-${i}`, kind: 'opposite' as const })),
    ...Array.from({ length: 3 }, (_, i) => ({ id: `always-up-${i}`, kind: 'always_up' as const })),
  ];
  const truth = new Map<string, BinaryLabel>();
  const votes: CrowdVote[] = [];
  for (let i = 0; i < 600; i++) {
    const item = `item-${i}`;
    truth.set(item, i % 2 === 0 ? 'up' : 'down');
    const pool = [...raters];
    for (let k = 0; k < 5; k++) {
      const rater = pool.splice(Math.floor(r() * pool.length), 1)[0]!;
      votes.push({ rater: rater.id, item, label: answer(rater.kind, truth.get(item)!, r) });
    }
  }
  const gold: GoldAnswer[] = [];
  for (let g = 0; g < 20; g++) {
    const expected: BinaryLabel = g % 2 === 0 ? 'up' : 'down';
    for (const rater of raters) {
      const given = answer(rater.kind, expected, r);
      gold.push({ rater: rater.id, truth: expected, correct: scoreGoldAnswer({ kind: 'thumbs', value: expected }, { kind: 'thumbs', value: given })! });
    }
  }
  return { raters, truth, votes, gold };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('the simulated crowd', () => {
  const { raters, truth, votes, gold } = simulate();
  const result = estimateCrowdQuality({ votes, gold });
  const trustOf = (kind: Kind) => raters.filter((x) => x.kind === kind).map((x) => result.raters.get(x.id)!.trust);

  it('orders trust honest > random > adversarial', () => {
    const [honest, random, opposite, alwaysUp] = (['honest', 'random', 'opposite', 'always_up'] as const).map(trustOf);
    // Every honest rater above every random one, every random one above every adversary.
    expect(Math.min(...honest!)).toBeGreaterThan(Math.max(...random!, ...alwaysUp!));
    expect(Math.min(...random!)).toBeGreaterThan(Math.max(...opposite!));
    expect(mean(honest!)).toBeGreaterThan(0.8);
    expect(mean(random!)).toBeGreaterThan(0.4);
    expect(mean(random!)).toBeLessThan(0.6);
    expect(mean(opposite!)).toBeLessThan(0.1);
    // Always "up" carries no information: a coin's trust, however many answers are good.
    expect(mean(alwaysUp!)).toBeGreaterThan(0.4);
    expect(mean(alwaysUp!)).toBeLessThan(0.6);
  });

  it('counts gold answers right', () => {
    for (const rater of raters) {
      const mine = gold.filter((g) => g.rater === rater.id);
      const q = result.raters.get(rater.id)!;
      expect(q.gold_answers).toBe(20);
      expect(q.gold_correct).toBe(mine.filter((g) => g.correct).length);
    }
    expect(result.raters.get('opposite-0')!.gold_correct).toBe(0);
    expect(result.raters.get('always-up-0')!.gold_correct).toBe(10);
  });

  it('recovers the truth better weighted by trust than by plain majority', () => {
    const byItem = new Map<string, CrowdVote[]>();
    for (const v of votes) byItem.set(v.item, [...(byItem.get(v.item) ?? []), v]);
    let weightedRight = 0;
    let majorityRight = 0;
    for (const [item, vs] of byItem) {
      if (result.items.get(item)!.label === truth.get(item)) weightedRight++;
      if (majorityLabel(vs.map((v) => v.label)) === truth.get(item)) majorityRight++;
    }
    const weighted = weightedRight / byItem.size;
    const majority = majorityRight / byItem.size;
    expect(weighted).toBeGreaterThan(majority + 0.1);
    expect(weighted).toBeGreaterThan(0.9);
    // Confidence is higher where the label is right.
    const conf = (right: boolean) => mean([...result.items].filter(([item, c]) => (c.label === truth.get(item)) === right).map(([, c]) => c.confidence));
    expect(conf(true)).toBeGreaterThan(conf(false));
  });

  it('the binomial test flags the adversaries and no honest rater', () => {
    const flagged = (kind: Kind) => raters.filter((x) => x.kind === kind).filter((x) => (result.raters.get(x.id)!.agreement_p ?? 1) < AGAINST_CONSENSUS_P).length;
    expect(flagged('honest')).toBe(0);
    expect(flagged('opposite')).toBe(3);
    expect(flagged('always_up')).toBe(3);
  });

  it('ranks the adversaries on top of the suspicion board, with evidence', () => {
    const board = [...result.raters.values()]
      .map((q) => ({ id: q.rater, ...suspicionScore({ ...q, agreement_rate: result.agreement_rate, cross_account_duplicates: 0, duplicate_accounts: 0, repeated_prompts: 0, flags_received: 0 }) }))
      .sort((a, b) => b.score - a.score);
    const top = board.slice(0, 6).map((b) => b.id);
    expect(top.filter((id) => id.startsWith('opposite') || id.startsWith('always-up')).length).toBe(6);
    expect(board.find((b) => b.id === 'opposite-0')!.evidence.map((e) => e.signal)).toEqual(expect.arrayContaining(['against_consensus', 'gold_failures']));
    expect(board.find((b) => b.id === 'always-up-0')!.evidence.map((e) => e.signal)).toContain('one_sided');
    expect(board.filter((b) => b.id.startsWith('honest')).every((b) => b.score === 0)).toBe(true);
  });

  it('gives a new account (no answers yet) the low prior weight, and a muted rater none', () => {
    expect(reliability({ up: { right: 0, total: 0 }, down: { right: 0, total: 0 } })).toBeCloseTo(TRUST_PRIOR_MEAN);
    expect(TRUST_PRIOR_MEAN).toBeLessThan(0.5);
    const muted = estimateCrowdQuality({ votes, gold, muted: new Set(['honest-0']) });
    expect(muted.raters.get('honest-0')!.trust).toBe(0);
  });
});

describe('the pieces', () => {
  it('weighted consensus: label, smoothed confidence, ties', () => {
    const c = weightedConsensus([{ value: 'up', weight: 0.9 }, { value: 'down', weight: 0.1 }, { value: 'down', weight: 0.1 }], ['up', 'down']);
    expect(c.label).toBe('up');
    expect(c.confidence).toBeCloseTo(1.9 / 3.1);
    expect(weightedConsensus([{ value: 'up', weight: 0.4 }], ['up', 'down']).confidence).toBeCloseTo(1.4 / 2.4);
    expect(weightedConsensus([{ value: 'up', weight: 0.5 }, { value: 'down', weight: 0.5 }]).label).toBeNull();
    expect(weightedConsensus([]).label).toBeNull();
    expect(majorityLabel(['up', 'down', 'down'])).toBe('down');
  });

  it('binomial CDF and the agreement p-value', () => {
    expect(binomialCdf(0, 10, 0.5)).toBeCloseTo(1 / 1024, 10);
    expect(binomialCdf(5, 10, 0.5)).toBeCloseTo(638 / 1024, 10);
    expect(binomialCdf(10, 10, 0.3)).toBe(1);
    // 2 000 trials stay finite.
    expect(binomialCdf(1000, 2000, 0.5)).toBeCloseTo(0.5089, 3);
    expect(agreementPValue(2, 30, 0.8)).toBeLessThan(1e-15);
    expect(agreementPValue(27, 30, 0.8)).toBeGreaterThan(0.5);
  });

  it('gold scoring: thumbs, rating ranges, and ratings read as thumbs', () => {
    expect(scoreGoldAnswer({ kind: 'thumbs', value: 'up' }, { kind: 'thumbs', value: 'up' })).toBe(true);
    expect(scoreGoldAnswer({ kind: 'thumbs', value: 'up' }, { kind: 'rating', score: 2, scale_min: 1, scale_max: 5 })).toBe(false);
    expect(scoreGoldAnswer({ kind: 'rating', min: 4, max: 5 }, { kind: 'rating', score: 4, scale_min: 1, scale_max: 5 })).toBe(true);
    expect(scoreGoldAnswer({ kind: 'rating', min: 4, max: 5 }, { kind: 'rating', score: 3, scale_min: 1, scale_max: 5 })).toBe(false);
    expect(scoreGoldAnswer({ kind: 'rating', min: 4, max: 5 }, { kind: 'thumbs', value: 'up' })).toBe(true);
    expect(scoreGoldAnswer({ kind: 'rating', min: 2, max: 4 }, { kind: 'thumbs', value: 'up' })).toBeNull();
    expect(binaryLabel({ kind: 'rating', score: 3, scale_min: 1, scale_max: 5 })).toBeNull();
  });
});
