// @vitest-environment jsdom
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatEvent, Message } from '../src/api/types';
import { DRAFT_ID } from '../src/screens/chat/chat-state';
import { useChat, type ChatOptions } from '../src/screens/chat/use-chat';

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});
afterEach(() => vi.unstubAllGlobals());

let n = 0;
const stored = (id: string, parent: string | null, role: Message['role'], content: string): Message => ({
  id,
  conversation_id: 'c1',
  parent_id: parent,
  role,
  content,
  model_id: role === 'assistant' ? 'm' : null,
  model_version_id: null,
  model_name: null,
  contributor_id: null,
  language: null,
  status: 'active',
  created_at: new Date(Date.UTC(2026, 10, 28, 10, 0, n++)).toISOString(),
});
const sse = (events: ChatEvent[]) => events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');

/** A server whose answers to POST /v1/chat are scripted; it keeps the bodies it was sent. */
function fakeServer(script: (body: Record<string, unknown>) => ChatEvent[] | { status: number; code: string }) {
  const bodies: Record<string, unknown>[] = [];
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    const body = JSON.parse(init.body as string) as Record<string, unknown>;
    bodies.push(body);
    const answer = script(body);
    if (!Array.isArray(answer)) return new Response(JSON.stringify({ error: { code: answer.code, message: answer.code } }), { status: answer.status });
    return new Response(sse(answer), { status: 200, headers: { 'content-type': 'text/event-stream' } });
  });
  return bodies;
}

function mount() {
  let chat!: ReturnType<typeof useChat>;
  function Probe() {
    chat = useChat('k1');
    return null;
  }
  const root = createRoot(document.createElement('div'));
  act(() => root.render(createElement(Probe)));
  return { get: () => chat, unmount: () => act(() => root.unmount()) };
}

const options = (over: Partial<ChatOptions> = {}): ChatOptions => ({ modelId: 'm', record: true, communityId: 'k1', ...over });
const shown = (chat: ReturnType<typeof useChat>) => chat.path.map((p) => `${p.role[0]}:${p.content}`);

describe('useChat against the /v1/chat contract', () => {
  it('records a new conversation, then regenerates and edits, each a branch', async () => {
    const q1 = stored('q1', null, 'user', 'Olá');
    const a1 = stored('a1', 'q1', 'assistant', 'Bom dia');
    const a2 = stored('a2', 'q1', 'assistant', 'Boa tarde');
    const q1b = stored('q1b', null, 'user', 'Oi');
    const a3 = stored('a3', 'q1b', 'assistant', 'Oi!');
    const bodies = fakeServer((b) => {
      if (b.regenerate_of === 'a1') return [{ type: 'turn', conversation_id: 'c1', user_message: null }, { type: 'token', text: 'Boa tarde' }, { type: 'done', message: a2, text: 'Boa tarde' }];
      if (b.content === 'Oi') return [{ type: 'turn', conversation_id: 'c1', user_message: q1b }, { type: 'done', message: a3, text: 'Oi!' }];
      return [{ type: 'turn', conversation_id: 'c1', user_message: q1 }, { type: 'token', text: 'Bom ' }, { type: 'token', text: 'dia' }, { type: 'done', message: a1, text: 'Bom dia' }];
    });
    const onConversation = vi.fn();
    const view = mount();
    await act(() => view.get().send('Olá', options({ onConversation })));
    expect(bodies[0]).toEqual({ model_id: 'm', record: true, content: 'Olá', community_id: 'k1' });
    expect(onConversation).toHaveBeenCalledWith('c1');
    expect(shown(view.get())).toEqual(['u:Olá', 'a:Bom dia']);

    await act(() => view.get().answerAgain('q1', view.get().path[1]!, options()));
    expect(bodies[1]).toEqual({ model_id: 'm', record: true, conversation_id: 'c1', parent_id: 'q1', regenerate_of: 'a1' });
    expect(shown(view.get())).toEqual(['u:Olá', 'a:Boa tarde']);

    await act(() => view.get().edit(view.get().path[0]!, 'Oi', options()));
    expect(bodies[2]).toEqual({ model_id: 'm', record: true, content: 'Oi', conversation_id: 'c1', parent_id: null });
    expect(shown(view.get())).toEqual(['u:Oi', 'a:Oi!']);
    act(() => view.get().choose('', 'q1'));
    expect(shown(view.get())).toEqual(['u:Olá', 'a:Boa tarde']);
    view.unmount();
  });

  it('keeps a failed answer as failed and not saved, and tries again on the same user turn', async () => {
    const q1 = stored('q1', null, 'user', 'Olá');
    let fail = true;
    const bodies = fakeServer(() =>
      fail
        ? [{ type: 'turn', conversation_id: 'c1', user_message: q1 }, { type: 'token', text: 'Bo' }, { type: 'error', code: 'model_interrupted', message: 'cut', partial: 'Bo' }]
        : [{ type: 'turn', conversation_id: 'c1', user_message: null }, { type: 'done', message: stored('a1', 'q1', 'assistant', 'Bom dia'), text: 'Bom dia' }],
    );
    const view = mount();
    await act(() => view.get().send('Olá', options()));
    expect(view.get().state.draft).toMatchObject({ state: 'failed', text: 'Bo', error: { code: 'model_interrupted' } });
    expect(view.get().path.at(-1)!.id).toBe(DRAFT_ID);
    fail = false;
    await act(() => view.get().answerAgain(view.get().state.draft!.parentId, null, options()));
    expect(bodies[1]).toEqual({ model_id: 'm', record: true, conversation_id: 'c1', parent_id: 'q1' });
    expect(shown(view.get())).toEqual(['u:Olá', 'a:Bom dia']);
    view.unmount();
  });

  it('takes a refused turn back and hands its text to the composer', async () => {
    fakeServer(() => ({ status: 403, code: 'consent_required' }));
    const onRefused = vi.fn();
    const view = mount();
    await act(() => view.get().send('Olá', options({ onRefused })));
    expect(view.get().path).toEqual([]);
    expect(onRefused).toHaveBeenCalledWith(expect.objectContaining({ code: 'consent_required' }), 'Olá');
    view.unmount();
  });

  it('while paused sends record: false with the history, and nothing below stays recorded', async () => {
    const q1 = stored('q1', null, 'user', 'Olá');
    const a1 = stored('a1', 'q1', 'assistant', 'Bom dia');
    const bodies = fakeServer((b) =>
      b.record === false ? [{ type: 'token', text: 'off' }, { type: 'done', message: null, text: 'off' }] : [{ type: 'turn', conversation_id: 'c1', user_message: q1 }, { type: 'done', message: a1, text: 'Bom dia' }],
    );
    const view = mount();
    await act(() => view.get().send('Olá', options()));
    await act(() => view.get().send('Segredo', options({ record: false })));
    expect(bodies[1]).toEqual({
      model_id: 'm',
      record: false,
      content: 'Segredo',
      history: [
        { role: 'user', content: 'Olá' },
        { role: 'assistant', content: 'Bom dia' },
      ],
    });
    expect(view.get().path.slice(2).every((p) => p.local)).toBe(true);
    // Recording resumed: below an unrecorded turn, still nothing is recorded.
    await act(() => view.get().send('E agora?', options({ record: true })));
    expect(bodies[2]).toMatchObject({ record: false, content: 'E agora?' });
    expect((bodies[2]!.history as unknown[]).length).toBe(4);
    view.unmount();
  });
});
