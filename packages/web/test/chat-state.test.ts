import { describe, expect, it } from 'vitest';
import type { ConversationWithMessages, Message } from '../src/api/types';
import { chatReducer, DRAFT_ID, emptyChat, historyBefore, offTheRecordAt, pathOf, type ChatNode, type ChatState } from '../src/screens/chat/chat-state';

let clock = 0;
const msg = (id: string, parent: string | null, role: Message['role'], content = id, extra: Partial<ChatNode> = {}): ChatNode => ({
  id,
  conversation_id: 'c',
  parent_id: parent,
  role,
  content,
  model_id: role === 'assistant' ? 'm' : null,
  model_version_id: null,
  model_name: null,
  contributor_id: null,
  language: null,
  status: 'active',
  created_at: new Date(Date.UTC(2026, 10, 28, 10, 0, clock++)).toISOString(),
  ...extra,
});
const ids = (s: ChatState) => pathOf(s).map((n) => n.id);
const run = (s: ChatState, ...actions: Parameters<typeof chatReducer>[1][]) => actions.reduce(chatReducer, s);

describe('the chat on screen', () => {
  it('streams an answer under a pending turn, then swaps in the stored ids', () => {
    let s = run(emptyChat('k'), { type: 'add', node: msg('pending-1', null, 'user', 'Olá', { pending: true }) }, { type: 'draft', draft: { parentId: 'pending-1', text: '', state: 'streaming', error: null, modelId: 'm', local: false } });
    expect(ids(s)).toEqual(['pending-1', DRAFT_ID]);
    s = run(s, { type: 'conversation', id: 'c1', communityId: 'k' }, { type: 'replace', oldId: 'pending-1', node: msg('q1', null, 'user', 'Olá') }, { type: 'token', text: 'Bom ' }, { type: 'token', text: 'dia' });
    expect(ids(s)).toEqual(['q1', DRAFT_ID]);
    expect(pathOf(s)[1]!.content).toBe('Bom dia');
    s = chatReducer(s, { type: 'answered', node: msg('a1', 'q1', 'assistant', 'Bom dia') });
    expect(ids(s)).toEqual(['q1', 'a1']);
    expect(s.draft).toBeNull();
    expect(s.conversationId).toBe('c1');
  });

  it('keeps a failed answer on screen as failed (with what came), and shows a regeneration as the newest alternative', () => {
    let s = run(emptyChat(), { type: 'add', node: msg('q1', null, 'user') }, { type: 'answered', node: msg('a1', 'q1', 'assistant') });
    s = run(s, { type: 'draft', draft: { parentId: 'q1', text: '', state: 'streaming', error: null, modelId: 'm', local: false } }, { type: 'token', text: 'half' }, { type: 'failed', code: 'model_interrupted', message: 'cut', partial: 'half an answer' });
    expect(ids(s)).toEqual(['q1', DRAFT_ID]);
    expect(s.draft).toMatchObject({ state: 'failed', text: 'half an answer', error: { code: 'model_interrupted' } });
    s = chatReducer(s, { type: 'clear-draft' });
    expect(ids(s)).toEqual(['q1', 'a1']);
  });

  it('marks a stopped answer as stopped, not failed', () => {
    const s = run(emptyChat(), { type: 'add', node: msg('q1', null, 'user') }, { type: 'draft', draft: { parentId: 'q1', text: 'so', state: 'streaming', error: null, modelId: 'm', local: false } }, { type: 'stopped' });
    expect(s.draft?.state).toBe('stopped');
  });

  it('moves between branches and loads a stored tree showing the newest branch', () => {
    const conversation = {
      id: 'c',
      community_id: 'k',
      messages: [msg('q1', null, 'user'), msg('a1', 'q1', 'assistant'), msg('a2', 'q1', 'assistant'), msg('gone', 'q1', 'assistant', 'x', { status: 'withdrawn' })],
    } as unknown as ConversationWithMessages;
    let s = chatReducer(emptyChat(), { type: 'load', conversation });
    expect(ids(s)).toEqual(['q1', 'a2']);
    s = chatReducer(s, { type: 'choose', parentKey: 'q1', childId: 'a1' });
    expect(ids(s)).toEqual(['q1', 'a1']);
  });

  it('sends the history of the branch on screen for an unrecorded turn, and knows what is off the record', () => {
    const s = run(emptyChat(), { type: 'add', node: msg('q1', null, 'user', 'one') }, { type: 'answered', node: msg('a1', 'q1', 'assistant', 'two') }, { type: 'add', node: msg('local-q2', 'a1', 'user', 'three', { local: true }) });
    expect(historyBefore(pathOf(s), 'local-q2')).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'two' },
    ]);
    expect(offTheRecordAt(s, 'a1')).toBe(false);
    expect(offTheRecordAt(s, 'local-q2')).toBe(true);
    expect(offTheRecordAt(s, null)).toBe(false);
  });
});
