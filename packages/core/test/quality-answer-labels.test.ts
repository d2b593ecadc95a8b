import { describe, expect, it } from 'vitest';
import {
  answerLabels,
  exportView,
  Feedback,
  labelJudgement,
  seededRandom,
  UNKNOWN_RATER_WEIGHT,
  valenceOf,
  voteWeight,
  type BinaryLabel,
  type ExportBundle,
  type ExportMessage,
  type ValenceInput,
} from '../src/index.js';

/*
 * Aggregated labels, pure: each answer's trust-weighted consensus from every rater's latest
 * thumbs or overall rating (core's answerLabels), and the label columns the `conversations` and
 * `feedback` export views carry it in.
 */

const AT = '2026-11-28T10:00:00.000Z';
let n = 0;
/** A stored event, checked by the domain schema. */
function event(fields: Record<string, unknown> & { kind: Feedback['kind'] }): Feedback {
  const scaled = fields.kind === 'rating' ? { question_id: null, scale_min: 1, scale_max: 5, ...fields } : fields;
  const at = (fields.created_at as string | undefined) ?? new Date(Date.parse(AT) + ++n * 1000).toISOString();
  return Feedback.parse({
    id: `f${String(++n).padStart(5, '0')}`,
    contributor_id: 'bob',
    conversation_id: 'c1',
    annotator_role: 'third_party',
    provenance: { type: 'human' },
    methodology_version: 'of-1',
    valence: valenceOf(scaled as unknown as ValenceInput),
    licence: 'CC0-1.0',
    status: 'active',
    model_id: null,
    community_id: null,
    language: 'en',
    created_at: at,
    updated_at: at,
    ...scaled,
  });
}
const thumbs = (who: string, value: BinaryLabel, message_id = 'a1', more: Record<string, unknown> = {}) => event({ kind: 'thumbs', contributor_id: who, message_id, value, ...more });
const rating = (who: string, score: number, more: Record<string, unknown> = {}) => event({ kind: 'rating', contributor_id: who, message_id: 'a1', score, ...more });

describe('answerLabels', () => {
  it('gives an honest, trusted majority its label with high confidence against many low-trust spammers', () => {
    const trust = new Map<string, number>();
    const feedback: Feedback[] = [];
    for (let i = 0; i < 5; i++) {
      trust.set(`honest${i}`, 0.9);
      feedback.push(thumbs(`honest${i}`, 'up'));
    }
    // Eight fresh accounts (trust unknown: a new account's weight) all say the opposite.
    for (let i = 0; i < 8; i++) feedback.push(thumbs(`spam${i}`, 'down'));
    const label = answerLabels(feedback, (id) => (trust.has(id) ? voteWeight(trust.get(id)!) : UNKNOWN_RATER_WEIGHT)).get('a1')!;
    expect(label.majority).toBe('down');
    expect(label.label).toBe('up');
    expect(label.raters).toBe(13);
    expect(label.weights.up).toBeCloseTo(5 * 0.8);
    expect(label.weights.down).toBeCloseTo(8 * UNKNOWN_RATER_WEIGHT);
    // (4 + 1) / (4.4 + 2): high, and below 1 because one pseudo-vote per side keeps a few raters humble.
    expect(label.confidence).toBeCloseTo(5 / 6.4);
    expect(label.confidence).toBeGreaterThan(0.75);
  });

  it('over simulated crowds (honest, random, adversarial), labels right far more often than the plain majority', () => {
    const r = seededRandom(7);
    let weightedRight = 0;
    let majorityRight = 0;
    const confidence = { right: [] as number[], wrong: [] as number[] };
    for (let item = 0; item < 300; item++) {
      const truth: BinaryLabel = r() < 0.5 ? 'up' : 'down';
      const wrong: BinaryLabel = truth === 'up' ? 'down' : 'up';
      const feedback: Feedback[] = [];
      const weights = new Map<string, number>();
      // Three honest raters (right 85 %, trusted), two random ones (trust about a coin's), four adversaries (restricted or distrusted).
      for (let i = 0; i < 3; i++) {
        weights.set(`h${i}`, voteWeight(0.85));
        feedback.push(thumbs(`h${i}`, r() < 0.85 ? truth : wrong, `a${item}`));
      }
      for (let i = 0; i < 2; i++) {
        weights.set(`r${i}`, voteWeight(0.5));
        feedback.push(thumbs(`r${i}`, r() < 0.5 ? 'up' : 'down', `a${item}`));
      }
      for (let i = 0; i < 4; i++) {
        weights.set(`x${i}`, i < 2 ? 0 : voteWeight(0.1));
        feedback.push(thumbs(`x${i}`, wrong, `a${item}`));
      }
      const label = answerLabels(feedback, (id) => weights.get(id)!).get(`a${item}`)!;
      if (label.label === truth) weightedRight++;
      if (label.majority === truth) majorityRight++;
      (label.label === truth ? confidence.right : confidence.wrong).push(label.confidence);
    }
    expect(weightedRight / 300).toBeGreaterThan(0.9);
    expect(majorityRight / 300).toBeLessThan(0.5);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(confidence.right)).toBeGreaterThan(mean(confidence.wrong));
  });

  it("counts each person's latest judgement once; a rating on the scale's middle withdraws it", () => {
    const w = () => 1;
    expect(answerLabels([thumbs('ann', 'down'), thumbs('ann', 'up')], w).get('a1')).toMatchObject({ label: 'up', raters: 1, weights: { up: 1, down: 0 } });
    expect(answerLabels([thumbs('ann', 'up'), rating('ann', 3)], w).get('a1')).toBeUndefined();
    expect(answerLabels([rating('ann', 5), rating('bob', 2)], w).get('a1')).toMatchObject({ label: null, confidence: 0, raters: 2, majority: null });
  });

  it('reads thumbs and overall ratings by people only, and imported events as the people they stand for', () => {
    const w = () => 1;
    const ignored = [
      rating('ann', 1, { question_id: 'toxicity' }),
      thumbs('bot', 'down', 'a1', { provenance: { type: 'model_extracted', extractor: { name: 'x', version: '1' } } }),
      event({ kind: 'flag', contributor_id: 'cy', message_id: 'a1', reason: 'spam', note: null }),
      thumbs('dee', 'down', 'a1', { status: 'withdrawn' }),
    ];
    expect(answerLabels(ignored, w).size).toBe(0);
    expect(labelJudgement(ignored[0]!)).toBeNull();
    const label = answerLabels([thumbs('oasst-user', 'down', 'a1', { count: 3 }), thumbs('ann', 'up')], w).get('a1')!;
    expect(label).toMatchObject({ label: 'down', raters: 4, majority: 'down', weights: { up: 1, down: 3 } });
  });

  it('a restricted rater (weight 0) counts for nothing; only unweighted votes leave no label', () => {
    const label = answerLabels([thumbs('muted', 'down'), thumbs('ann', 'up')], (id) => (id === 'muted' ? 0 : 0.05)).get('a1')!;
    expect(label.label).toBe('up');
    expect(answerLabels([thumbs('muted', 'down')], () => 0).get('a1')).toMatchObject({ label: null, confidence: 0, raters: 1 });
  });
});

describe('the label columns of the conversations and feedback views', () => {
  const conversationsView = exportView('conversations')!;
  const feedbackView = exportView('feedback')!;
  const message = (id: string, parent_id: string | null, role: ExportMessage['role'], content: string): ExportMessage => ({
    id, conversation_id: 'c1', parent_id, role, content, model_id: null, model_version_id: null, model_name: role === 'assistant' ? 'm-1' : null, contributor_id: null, language: null, status: 'active', created_at: AT, source_meta: null,
  });
  const messages = [message('q1', null, 'user', 'Which river runs through Lisbon?'), message('a1', 'q1', 'assistant', 'The Tagus.'), message('b1', 'q1', 'assistant', 'The Douro.')];
  const feedback = [thumbs('ann', 'up'), thumbs('bob', 'up'), thumbs('cy', 'down', 'b1'), event({ kind: 'ranking', contributor_id: 'ann', message_id: null, ranking: ['a1', 'b1'] })];
  const conversation = { id: 'c1', community_id: null, contributor_id: 'ada', title: null, language: 'en', source: 'openfeedback', licence: null, status: 'active' as const, created_at: AT, updated_at: AT };
  const labelled: ExportBundle = { conversation, messages, feedback, labels: answerLabels(feedback, () => 0.6) };
  const pick = (rows: Record<string, unknown>[]) => rows.map((r) => [r.id, r.label, r.label_confidence, r.label_raters]);

  it("put each thread's last answer's label on its row, and each event's message's label on the event", () => {
    expect(conversationsView.columns({ form: 'conversational' }).slice(-3).map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['label', 'string', true],
      ['label_confidence', 'double', true],
      ['label_raters', 'int', true],
    ]);
    const up = (2 * 0.6 + 1) / (2 * 0.6 + 2);
    const down = (0.6 + 1) / (0.6 + 2);
    expect(pick(conversationsView.rows(labelled, { form: 'conversational' }))).toEqual([
      ['a1', 'up', up, 2],
      ['b1', 'down', down, 1],
    ]);
    const rows = feedbackView.rows(labelled, { form: 'conversational' });
    expect(rows.map((r) => Object.keys(r))).toEqual(rows.map(() => feedbackView.columns({ form: 'conversational' }).map((c) => c.name)));
    expect(rows.map((r) => [r.message_id, r.label, r.label_raters])).toEqual([
      ['a1', 'up', 2],
      ['a1', 'up', 2],
      ['b1', 'down', 1],
      [null, null, null],
    ]);
  });

  it('leave them null when the export carries no labels, and 0 raters for an answer nobody judged', () => {
    expect(pick(conversationsView.rows({ conversation, messages, feedback }, { form: 'conversational' }))).toEqual([
      ['a1', null, null, null],
      ['b1', null, null, null],
    ]);
    expect(pick(conversationsView.rows({ conversation, messages, feedback: [], labels: new Map() }, { form: 'conversational' }))).toEqual([
      ['a1', null, null, 0],
      ['b1', null, null, 0],
    ]);
  });
});
