import { describe, expect, it } from 'vitest';
import { CURRENT_METHODOLOGY_VERSION, FeedbackInput, FeedbackKind, referencedMessageIds } from '../src/index.js';

const base = { conversation_id: 'conv-1' };

/** One valid event of every kind, as a client would send it. */
const valid: Record<FeedbackKind, Record<string, unknown>> = {
  thumbs: { kind: 'thumbs', ...base, message_id: 'a1', value: 'up' },
  rating: { kind: 'rating', ...base, message_id: 'a1', score: 4 },
  pairwise: { kind: 'pairwise', ...base, message_id: 'a1', other_message_id: 'a2', outcome: 'tie' },
  ranking: { kind: 'ranking', ...base, ranking: ['a2', 'a1', 'a3'] },
  correction: { kind: 'correction', ...base, message_id: 'a1', text: 'Lisbon is the capital of Portugal.' },
  critique: { kind: 'critique', ...base, message_id: 'a1', text: 'Too short', span: { start: 0, end: 3 }, sentiment: -1 },
  flag: { kind: 'flag', ...base, message_id: 'a1', reason: 'pii', note: 'contains a phone number' },
  regenerate: { kind: 'regenerate', ...base, message_id: 'a1' },
  natural: { kind: 'natural', ...base, message_id: 'a1', source_message_id: 'q2', category: 'UR2', span: { start: 0, end: 12 } },
};

/** The distinct paths of the issues a rejected input produced (the field the API names to the user). */
function rejectedPaths(input: unknown): string[] {
  const result = FeedbackInput.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return [...new Set(result.error.issues.map((i) => i.path.join('.')))];
}

/** Drops one key from an example. */
function without(input: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _dropped, ...rest } = input;
  return rest;
}

describe('FeedbackInput', () => {
  it('has an example for every kind', () => {
    expect(Object.keys(valid).sort()).toEqual([...FeedbackKind.options].sort());
  });

  it.each(FeedbackKind.options)('accepts a valid %s event and fills the defaults', (kind) => {
    const parsed = FeedbackInput.parse(valid[kind]);
    expect(parsed).toMatchObject(valid[kind]);
    expect(parsed.provenance).toEqual({ type: 'human' });
    expect(parsed.methodology_version).toBe(CURRENT_METHODOLOGY_VERSION);
  });

  it.each(FeedbackKind.options)('rejects a %s event with an unknown key, naming it', (kind) => {
    const result = FeedbackInput.safeParse({ ...valid[kind], extra: 1 });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['extra'] });
  });

  it.each(FeedbackKind.options)('rejects a %s event without conversation_id', (kind) => {
    expect(rejectedPaths(without(valid[kind], 'conversation_id'))).toContain('conversation_id');
  });

  it('rejects an unknown kind and a missing kind', () => {
    expect(rejectedPaths({ ...valid.thumbs, kind: 'telepathy' })).toEqual(['kind']);
    expect(rejectedPaths(without(valid.thumbs, 'kind'))).toEqual(['kind']);
  });

  it('requires message_id for the kinds that are about one answer', () => {
    for (const kind of ['thumbs', 'pairwise', 'correction', 'regenerate', 'natural'] as const) {
      expect(rejectedPaths(without(valid[kind], 'message_id')), kind).toContain('message_id');
    }
  });

  it('lets ratings, critiques and flags be about the whole conversation', () => {
    for (const kind of ['rating', 'flag'] as const) expect(FeedbackInput.safeParse(without(valid[kind], 'message_id')).success, kind).toBe(true);
    expect(FeedbackInput.safeParse(without(without(valid.critique, 'message_id'), 'span')).success).toBe(true);
  });

  it('rejects ids that are not ids', () => {
    expect(rejectedPaths({ ...valid.thumbs, message_id: '' })).toEqual(['message_id']);
    expect(rejectedPaths({ ...valid.thumbs, message_id: 'has space' })).toEqual(['message_id']);
    expect(rejectedPaths({ ...valid.thumbs, conversation_id: '../etc/passwd' })).toEqual(['conversation_id']);
    expect(rejectedPaths({ ...valid.thumbs, message_id: 'x'.repeat(129) })).toEqual(['message_id']);
    expect(FeedbackInput.safeParse({ ...valid.thumbs, message_id: '0192f5c4-8a6e-7cc1-9d1a-3b8f1e0c2a11' }).success).toBe(true);
  });

  it('thumbs: only up or down', () => {
    expect(rejectedPaths({ ...valid.thumbs, value: 'sideways' })).toEqual(['value']);
    expect(rejectedPaths({ ...valid.thumbs, value: 1 })).toEqual(['value']);
  });

  it('rating: a finite number, and a scale whose max is above its min', () => {
    expect(rejectedPaths({ ...valid.rating, score: '4' })).toEqual(['score']);
    expect(rejectedPaths({ ...valid.rating, score: Number.NaN })).toEqual(['score']);
    expect(rejectedPaths({ ...valid.rating, score: Number.POSITIVE_INFINITY })).toEqual(['score']);
    expect(rejectedPaths({ ...valid.rating, scale_min: 5, scale_max: 5 })).toEqual(['scale_max']);
    expect(rejectedPaths({ ...valid.rating, scale_min: 10, scale_max: 1 })).toEqual(['scale_max']);
    expect(rejectedPaths({ ...valid.rating, scale_min: 1.5, scale_max: 5 })).toEqual(['scale_min']);
    expect(FeedbackInput.safeParse({ ...valid.rating, score: 7, scale_min: 0, scale_max: 10 }).success).toBe(true);
    expect(FeedbackInput.safeParse({ ...valid.rating, question_id: 'fluency' }).success).toBe(true);
  });

  it('pairwise: two different answers and a known outcome', () => {
    expect(rejectedPaths({ ...valid.pairwise, other_message_id: 'a1' })).toEqual(['other_message_id']);
    expect(rejectedPaths(without(valid.pairwise, 'other_message_id'))).toEqual(['other_message_id']);
    expect(rejectedPaths({ ...valid.pairwise, outcome: 'c' })).toEqual(['outcome']);
    for (const outcome of ['a', 'b', 'tie', 'both_bad']) expect(FeedbackInput.safeParse({ ...valid.pairwise, outcome }).success).toBe(true);
  });

  it('ranking: at least two answers, none twice', () => {
    expect(rejectedPaths({ ...valid.ranking, ranking: ['a1', 'a2', 'a1'] })).toEqual(['ranking']);
    expect(rejectedPaths({ ...valid.ranking, ranking: ['a1'] })).toEqual(['ranking']);
    expect(rejectedPaths({ ...valid.ranking, ranking: [] })).toEqual(['ranking']);
    expect(rejectedPaths({ ...valid.ranking, ranking: Array.from({ length: 51 }, (_, i) => `a${i}`) })).toEqual(['ranking']);
    expect(FeedbackInput.safeParse({ ...valid.ranking, ranking: Array.from({ length: 50 }, (_, i) => `a${i}`) }).success).toBe(true);
  });

  it('correction: needs non-empty text', () => {
    expect(rejectedPaths({ ...valid.correction, text: '' })).toEqual(['text']);
    expect(rejectedPaths(without(valid.correction, 'text'))).toEqual(['text']);
  });

  it('critique: a span needs a message, must be non-empty and forward; sentiment is -1, 0 or 1', () => {
    expect(rejectedPaths(without(valid.critique, 'message_id'))).toEqual(['span']);
    expect(rejectedPaths({ ...valid.critique, span: { start: 3, end: 3 } })).toEqual(['span.end']);
    expect(rejectedPaths({ ...valid.critique, span: { start: 5, end: 2 } })).toEqual(['span.end']);
    expect(rejectedPaths({ ...valid.critique, span: { start: -1, end: 2 } })).toEqual(['span.start']);
    expect(rejectedPaths({ ...valid.critique, span: { start: 0.5, end: 2 } })).toEqual(['span.start']);
    expect(rejectedPaths({ ...valid.critique, sentiment: 0.5 })).toEqual(['sentiment']);
    expect(rejectedPaths({ ...valid.critique, sentiment: 2 })).toEqual(['sentiment']);
    expect(rejectedPaths({ ...valid.critique, text: '' })).toEqual(['text']);
    expect(FeedbackInput.safeParse({ ...valid.critique, sentiment: 0 }).success).toBe(true);
  });

  it('flag: a known reason', () => {
    expect(rejectedPaths({ ...valid.flag, reason: 'boring' })).toEqual(['reason']);
    expect(rejectedPaths(without(valid.flag, 'reason'))).toEqual(['reason']);
  });

  it('natural: needs the user turn it was found in, a category and a valid span', () => {
    expect(rejectedPaths(without(valid.natural, 'source_message_id'))).toEqual(['source_message_id']);
    expect(rejectedPaths(without(valid.natural, 'span'))).toEqual(['span']);
    expect(rejectedPaths({ ...valid.natural, category: 'UR6' })).toEqual(['category']);
    expect(rejectedPaths({ ...valid.natural, span: { start: 4, end: 4 } })).toEqual(['span.end']);
  });

  it('checks provenance: a model-extracted event must name its extractor', () => {
    expect(rejectedPaths({ ...valid.natural, provenance: { type: 'model_extracted' } })).toEqual(['provenance.extractor']);
    expect(rejectedPaths({ ...valid.thumbs, provenance: { type: 'crowd' } })).toEqual(['provenance.type']);
    expect(rejectedPaths({ ...valid.thumbs, provenance: { type: 'human', extractor: { name: 'x', version: '1' } } })).toEqual(['provenance']);
    const extracted = FeedbackInput.parse({ ...valid.natural, provenance: { type: 'model_extracted', extractor: { name: 'nf-detector', version: '0.3' } } });
    expect(extracted.provenance).toEqual({ type: 'model_extracted', extractor: { name: 'nf-detector', version: '0.3' } });
    expect(FeedbackInput.safeParse({ ...valid.thumbs, provenance: { type: 'human_aided' } }).success).toBe(true);
  });

  it('checks annotator_role and keeps a given methodology_version', () => {
    expect(rejectedPaths({ ...valid.thumbs, annotator_role: 'bystander' })).toEqual(['annotator_role']);
    expect(FeedbackInput.parse({ ...valid.thumbs, annotator_role: 'third_party', methodology_version: 'lab-7' })).toMatchObject({
      annotator_role: 'third_party',
      methodology_version: 'lab-7',
    });
    expect(rejectedPaths({ ...valid.thumbs, methodology_version: '' })).toEqual(['methodology_version']);
  });
});

describe('referencedMessageIds', () => {
  it('lists every message an event points at', () => {
    const ids = (kind: FeedbackKind) => referencedMessageIds(FeedbackInput.parse(valid[kind]));
    expect(ids('thumbs')).toEqual(['a1']);
    expect(ids('pairwise')).toEqual(['a1', 'a2']);
    expect(ids('ranking')).toEqual(['a2', 'a1', 'a3']);
    expect(ids('natural')).toEqual(['a1', 'q2']);
    expect(referencedMessageIds(FeedbackInput.parse(without(valid.flag, 'message_id')))).toEqual([]);
  });
});
