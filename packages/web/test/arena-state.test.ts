import { describe, expect, it } from 'vitest';
import type { ArenaBattle, ArenaEvent, Message } from '../src/api/types';
import { arenaReducer, initialArena, type ArenaAction, type ArenaState } from '../src/screens/arena/arena-state';

const message = (id: string, content: string): Message => ({
  id, conversation_id: 'c', parent_id: 'p', role: 'assistant', content, model_id: null, model_version_id: null, model_name: null, contributor_id: null, language: null, status: 'active', created_at: '2026-01-01T00:00:00.000Z',
});
const run = (actions: ArenaAction[], from: ArenaState = initialArena) => actions.reduce(arenaReducer, from);
const ev = (event: ArenaEvent): ArenaAction => ({ type: 'event', event });
const user = message('p', 'Which river?');

describe('the arena on the page', () => {
  it('streams both sides into the last turn, then opens the vote', () => {
    const s = run([
      { type: 'ask', prompt: 'Which river?' },
      ev({ type: 'start', battle_id: 'b1', conversation_id: 'c', prompts: { a: user, b: user } }),
      ev({ type: 'token', side: 'a', text: 'The' }),
      ev({ type: 'token', side: 'b', text: 'It' }),
      ev({ type: 'token', side: 'a', text: ' Tagus.' }),
      ev({ type: 'done', side: 'b', message: message('m2', 'It is the Douro.') }),
    ]);
    expect(s.phase).toBe('streaming');
    expect(s.turns[0]).toEqual({ prompt: 'Which river?', a: { text: 'The Tagus.', state: 'writing', error: null }, b: { text: 'It is the Douro.', state: 'done', error: null } });
    const open = run([ev({ type: 'done', side: 'a', message: message('m1', 'The Tagus.') }), ev({ type: 'end', status: 'open', invalid_reason: null })], s);
    expect(open).toMatchObject({ phase: 'open', battleId: 'b1', names: { a: null, b: null } });
  });

  it('shows the names and the outcome once voting closes', () => {
    const battle = { status: 'invalid', invalid_reason: 'self_identified', outcome: 'a', model_a: { id: '1', slug: 'x', name: 'X' }, model_b: { id: '2', slug: 'y', name: 'Y' } } as ArenaBattle;
    const s = run([{ type: 'ask', prompt: 'q' }, ev({ type: 'end', status: 'open', invalid_reason: null }), { type: 'closed', battle }]);
    expect(s).toMatchObject({ phase: 'closed', outcome: 'a', invalidReason: 'self_identified', names: { a: 'X', b: 'Y' } });
  });

  it('marks a failed side, takes back a refused turn, and closes a stopped battle', () => {
    const failed = run([{ type: 'ask', prompt: 'q' }, ev({ type: 'error', side: 'a', code: 'model_unavailable', message: 'down', partial: '' }), ev({ type: 'end', status: 'invalid', invalid_reason: 'model_failed' })]);
    expect(failed.turns[0]!.a).toMatchObject({ state: 'failed', error: 'model_unavailable' });
    expect(failed).toMatchObject({ phase: 'closed', invalidReason: 'model_failed' });
    expect(run([{ type: 'ask', prompt: 'q' }, { type: 'refused' }])).toEqual(initialArena);
    const stopped = run([{ type: 'ask', prompt: 'q' }, ev({ type: 'token', side: 'b', text: 'Hal' }), { type: 'stopped' }]);
    expect(stopped.turns[0]!.b).toEqual({ text: 'Hal', state: 'failed', error: 'stopped' });
    expect(stopped).toMatchObject({ phase: 'closed', invalidReason: 'stopped' });
  });
});
