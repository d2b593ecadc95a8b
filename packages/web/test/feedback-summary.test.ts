import { describe, expect, it } from 'vitest';
import type { Feedback } from '../src/api/types';
import { summarise } from '../src/feedback/feedback-summary';

const base = { contributor_id: 'me', conversation_id: 'c', annotator_role: 'interlocutor', provenance: { type: 'human' }, methodology_version: 'of-1', valence: null, licence: 'CC0-1.0', status: 'active', model_id: null, community_id: null, language: null, updated_at: '' };
const ev = (n: number, f: Record<string, unknown>) => ({ ...base, id: `f${n}`, created_at: `2026-11-28T10:00:0${n}.000Z`, ...f }) as unknown as Feedback;

describe('summarise my feedback on a conversation', () => {
  it('keeps the newest thumbs and scores, counts critiques, and separates the conversation rating', () => {
    const s = summarise([
      ev(2, { kind: 'thumbs', message_id: 'a1', value: 'down' }),
      ev(1, { kind: 'thumbs', message_id: 'a1', value: 'up' }),
      ev(3, { kind: 'rating', message_id: 'a1', question_id: 'correct', score: 4, scale_min: 1, scale_max: 5 }),
      ev(4, { kind: 'rating', message_id: null, question_id: null, score: 5, scale_min: 1, scale_max: 5 }),
      ev(5, { kind: 'critique', message_id: 'a1', text: 'x', span: null, sentiment: null }),
      ev(6, { kind: 'flag', message_id: null, reason: 'spam', note: null }),
      ev(7, { kind: 'correction', message_id: 'a2', text: 'better' }),
      ev(8, { kind: 'thumbs', message_id: 'a2', value: 'up', status: 'withdrawn' }),
    ]);
    expect(s.rating).toBe(5);
    expect(s.flags).toEqual(['spam']);
    expect(s.answers.a1).toMatchObject({ thumbs: 'down', thumbsId: 'f2', ratings: { correct: 4 }, critiques: 1 });
    expect(s.answers.a2).toMatchObject({ thumbs: null, correction: 'better' });
  });
});
