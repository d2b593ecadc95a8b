import { describe, expect, it } from 'vitest';
import {
  POOL_RELEVANCE_THRESHOLD,
  answerQuality,
  evidenceFrom,
  inverseDocumentFrequency,
  poolTerms,
  promptRelevance,
  rankPoolAnswers,
  selectiveTerms,
  valenceOf,
  type Feedback,
  type PoolCandidate,
} from '../src/index.js';

const meta = {
  contributor_id: 'p',
  conversation_id: 'c1',
  annotator_role: 'third_party',
  provenance: { type: 'human' },
  methodology_version: 'of-1',
  licence: 'CC0-1.0',
  status: 'active',
  model_id: null,
  community_id: null,
  language: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
} as const;
let n = 0;
const event = (fields: Record<string, unknown>): Feedback => {
  const f = { ...meta, id: `f${++n}`, ...fields } as Record<string, unknown>;
  if (!('valence' in f)) f.valence = valenceOf(f as never);
  return f as unknown as Feedback;
};
const thumbs = (message_id: string, value: 'up' | 'down', extra: Record<string, unknown> = {}) => event({ kind: 'thumbs', message_id, value, ...extra });
const targets = (...ids: string[]) => ids.map((id) => ({ id, conversation_id: 'c1' }));

/** Document frequencies of a small, made-up pool of 10,000 prompts. */
const DF: Record<string, number> = { what: 4000, is: 5000, the: 6000, of: 4500, capital: 40, portugal: 25, spain: 30, city: 200, largest: 150, essay: 60, school: 80, for: 3000, my: 2500, i: 3500, need: 700, it: 3000, please: 600 };
const idf = (t: string) => inverseDocumentFrequency(DF[t] ?? 0, 10_000);
const terms = (text: string) => new Set(poolTerms(text));
const relevance = (a: string, b: string) => promptRelevance(terms(a), terms(b), idf);

describe('poolTerms', () => {
  it('lower-cases, drops accents and punctuation, and pairs up characters of Chinese and Japanese', () => {
    expect(poolTerms('Qual é a CAPITAL de Portugal?')).toEqual(['qual', 'e', 'a', 'capital', 'de', 'portugal']);
    expect(poolTerms("Ça va? C'est l'été!")).toEqual(['ca', 'va', 'c', 'est', 'l', 'ete']);
    expect(poolTerms('葡萄牙的首都')).toEqual(['葡萄', '萄牙', '牙的', '的首', '首都']);
    expect(poolTerms('  ?! ')).toEqual([]);
  });
});

describe('selectiveTerms', () => {
  it('keeps the rarest terms within the postings budget, and always at least one', () => {
    const df = (t: string) => DF[t] ?? 0;
    expect(selectiveTerms(poolTerms('What is the capital of Portugal?'), df, 5000)).toEqual(['portugal', 'capital', 'what']);
    expect(selectiveTerms(['the', 'is'], df, 100)).toEqual(['is']);
    expect(selectiveTerms(['zyx', 'portugal', 'zyx'], df, 10)).toEqual(['zyx']);
  });
});

describe('promptRelevance', () => {
  it('is 1 for the same question, however it is typed', () => {
    expect(relevance('What is the capital of Portugal?', 'what is the capital of portugal')).toBe(1);
  });

  it('stays above the threshold for a rewording or added context, and falls below it for another question', () => {
    const asked = 'What is the capital of Portugal?';
    expect(relevance(asked, 'capital of Portugal please')).toBeGreaterThanOrEqual(POOL_RELEVANCE_THRESHOLD);
    expect(relevance(asked, 'What is the capital of Portugal? I need it for my school essay')).toBeGreaterThanOrEqual(POOL_RELEVANCE_THRESHOLD);
    expect(relevance(asked, 'What is the capital of Spain?')).toBeLessThan(POOL_RELEVANCE_THRESHOLD);
    expect(relevance(asked, 'What is the largest city of Portugal?')).toBeLessThan(POOL_RELEVANCE_THRESHOLD);
    expect(relevance(asked, 'what is it')).toBeLessThan(0.2);
  });

  it('counts a word the pool has never seen as the most telling, so missing it is far', () => {
    expect(relevance('What is the capital of Qwertystan?', 'What is the capital of Portugal?')).toBeLessThan(POOL_RELEVANCE_THRESHOLD);
  });
});

describe('evidenceFrom', () => {
  it('reads every kind of feedback as votes for and against the answers', () => {
    const events = [
      thumbs('a', 'up'),
      thumbs('a', 'down'),
      thumbs('b', 'up', { count: 3 }), // an imported aggregate: three people
      event({ kind: 'rating', message_id: 'a', question_id: null, score: 5, scale_min: 1, scale_max: 5 }),
      event({ kind: 'rating', message_id: 'b', question_id: 'accuracy', score: 1, scale_min: 1, scale_max: 5 }),
      event({ kind: 'pairwise', message_id: 'a', other_message_id: 'b', outcome: 'b' }),
      event({ kind: 'pairwise', message_id: 'a', other_message_id: 'c', outcome: 'tie' }),
      event({ kind: 'ranking', message_id: null, ranking: ['c', 'a', 'b'] }),
      event({ kind: 'flag', message_id: 'c', reason: 'unsafe', note: null }),
      event({ kind: 'regenerate', message_id: 'c' }),
      event({ kind: 'correction', message_id: 'b', text: 'better' }),
      event({ kind: 'natural', message_id: 'a', source_message_id: 'u2', category: 'UR5', span: { start: 0, end: 3 }, provenance: { type: 'model_extracted', extractor: { name: 'x', version: '1' } } }),
      event({ kind: 'rating', message_id: null, question_id: null, score: 1, scale_min: 1, scale_max: 5 }), // the whole conversation
      thumbs('elsewhere', 'up'),
    ];
    const e = evidenceFrom(events, targets('a', 'b', 'c'));
    // a: up, down, rating 5, pairwise loss, tie half, ranking middle (½ ½), natural + (model-extracted: ¼), conversation rating −½
    expect(e.get('a')).toEqual({ positive: 1 + 1 + 0.5 + 0.5 + 0.25, negative: 1 + 1 + 0.5 + 0.5 + 0.5 });
    // b: 3 ups, rubric 1/5 (−½), pairwise win, ranking last, correction, conversation rating −½
    expect(e.get('b')).toEqual({ positive: 3 + 1, negative: 0.5 + 1 + 1 + 0.5 });
    // c: tie half, ranking first, flag (2), regenerate (½), conversation rating −½
    expect(e.get('c')).toEqual({ positive: 0.5 + 1, negative: 0.5 + 2 + 0.5 + 0.5 });
    expect(e.has('elsewhere')).toBe(false);
  });
});

describe('answerQuality', () => {
  it('puts an answer nobody rated between one voted up once and one voted down once', () => {
    const none = answerQuality({ positive: 0, negative: 0 });
    expect(none).toBeCloseTo(0.276, 3);
    expect(answerQuality({ positive: 1, negative: 0 })).toBeGreaterThan(none);
    expect(answerQuality({ positive: 0, negative: 1 })).toBeLessThan(none);
  });

  it('trusts many consistent votes over a few', () => {
    expect(answerQuality({ positive: 100, negative: 20 })).toBeGreaterThan(answerQuality({ positive: 4, negative: 0 }));
    expect(answerQuality({ positive: 0, negative: 50 })).toBeLessThan(answerQuality({ positive: 0, negative: 2 }));
  });
});

describe('rankPoolAnswers', () => {
  const candidate = (id: string, text: string, relevance = 1, created_at = `2026-01-01T00:00:0${id.length}.000Z`): PoolCandidate => ({ id, conversation_id: 'c1', text, relevance, created_at });
  const rank = (candidates: PoolCandidate[], events: Feedback[]) => rankPoolAnswers(candidates, evidenceFrom(events, candidates));

  it('gives the best-rated of several answers to the same prompt, and another once the votes change', () => {
    const answers = [candidate('a', 'Lisbon.'), candidate('b', 'It is Lisbon, on the Tagus.'), candidate('c', 'Porto.')];
    const votes = [thumbs('b', 'up'), thumbs('b', 'up'), thumbs('c', 'down')];
    expect(rank(answers, votes)[0]!.id).toBe('b');
    votes.push(thumbs('b', 'down'), thumbs('b', 'down'), thumbs('b', 'down'), thumbs('a', 'up'), thumbs('a', 'up'));
    expect(rank(answers, votes).map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });

  it('lets relevance outweigh quality: a loved answer to another question does not beat an unrated one to this', () => {
    const answers = [candidate('same', 'Lisbon.', 1), candidate('related', 'Madrid.', 0.65)];
    const loved = Array.from({ length: 30 }, () => thumbs('related', 'up'));
    expect(rank(answers, loved)[0]!.id).toBe('same');
    // …but a near-duplicate prompt's answer competes on quality.
    const near = [candidate('same', 'Lisbon.', 1), candidate('near', 'Lisbon, on the Tagus.', 0.95)];
    expect(rank(near, [thumbs('near', 'up'), thumbs('near', 'up')])[0]!.id).toBe('near');
  });

  it('counts copies of an answer as one answer: votes on the copy rate the original, which is the one named', () => {
    const answers = [candidate('orig', 'Lisbon.', 1, '2026-01-01T00:00:00.000Z'), candidate('copy', ' Lisbon. ', 0.9, '2026-02-01T00:00:00.000Z'), candidate('other', 'Porto.', 1)];
    const ranked = rank(answers, [thumbs('copy', 'up')]);
    expect(ranked[0]).toMatchObject({ id: 'orig', text: 'Lisbon.', relevance: 1, ids: ['orig', 'copy'] });
    const downOnCopy = rank(answers, [thumbs('copy', 'down'), thumbs('copy', 'down'), thumbs('other', 'up')]);
    expect(downOnCopy[0]!.id).toBe('other');
  });
});
