import { afterEach, describe, expect, it, vi } from 'vitest';
import { streamChat } from '../src/api/chat-stream';
import { normaliseProviders } from '../src/api/endpoints';
import { sendFeedback } from '../src/api/feedback-sender';
import { ApiError } from '../src/api/http';
import type { ChatEvent } from '../src/api/types';
import { safeNext } from '../src/screens/auth/sign-in-screen';

afterEach(() => vi.unstubAllGlobals());

const sse = (e: ChatEvent) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;

describe('streamChat', () => {
  it('hands over each event while the answer is still streaming', async () => {
    const encoder = new TextEncoder();
    let push!: (s: string) => void;
    let close!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        push = (s) => c.enqueue(encoder.encode(s));
        close = () => c.close();
      },
    });
    const fetchMock = vi.fn(async () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
    vi.stubGlobal('fetch', fetchMock);
    const seen: ChatEvent[] = [];
    let firstTokenSeen!: () => void;
    const firstToken = new Promise<void>((r) => (firstTokenSeen = r));
    const done = streamChat({ model_id: 'm', record: true, content: 'Olá' }, new AbortController().signal, (e) => {
      seen.push(e);
      if (e.type === 'token') firstTokenSeen();
    });
    push(sse({ type: 'turn', conversation_id: 'c1', user_message: null }));
    push(sse({ type: 'token', text: 'Bom' }));
    await firstToken; // delivered although the stream is still open
    expect(seen.map((e) => e.type)).toEqual(['turn', 'token']);
    push(sse({ type: 'done', message: null, text: 'Bom' }));
    close();
    await done;
    expect(seen.map((e) => e.type)).toEqual(['turn', 'token', 'done']);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/v1/chat');
    expect(JSON.parse(init.body as string)).toEqual({ model_id: 'm', record: true, content: 'Olá' });
  });

  it('turns a refusal before the stream into an ApiError with its code', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: { code: 'consent_required', message: 'no consent' } }), { status: 403 }));
    await expect(streamChat({ model_id: 'm', record: true, content: 'x' }, new AbortController().signal, () => {})).rejects.toMatchObject({ status: 403, code: 'consent_required' });
  });
});

describe('sendFeedback', () => {
  it('retries a lost or refused-for-now request with the same Idempotency-Key', async () => {
    const keys: string[] = [];
    let calls = 0;
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      keys.push((init.headers as Record<string, string>)['idempotency-key']!);
      calls++;
      if (calls === 1) throw new TypeError('network down');
      if (calls === 2) return new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'slow' } }), { status: 429 });
      return new Response(JSON.stringify({ id: 'f1', kind: 'thumbs' }), { status: 201 });
    });
    const f = await sendFeedback({ kind: 'thumbs', conversation_id: 'c', message_id: 'a', value: 'up' }, async () => {});
    expect(f.id).toBe('f1');
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
  });

  it('gives up at once on an error that asking again cannot fix', async () => {
    let calls = 0;
    vi.stubGlobal('fetch', async () => {
      calls++;
      return new Response(JSON.stringify({ error: { code: 'consent_required', message: 'withdrawn' } }), { status: 403 });
    });
    await expect(sendFeedback({ kind: 'thumbs', conversation_id: 'c', message_id: 'a', value: 'up' }, async () => {})).rejects.toBeInstanceOf(ApiError);
    expect(calls).toBe(1);
  });
});

describe('small contracts', () => {
  it('reads the sign-in providers the server offers', () => {
    expect(normaliseProviders({ oidc: { enabled: true, name: 'Hugging Face' } })).toEqual([{ id: 'oidc', name: 'Hugging Face', startUrl: '/v1/auth/oidc/start' }]);
    expect(normaliseProviders({ oidc: { enabled: false, name: 'Hugging Face' } })).toEqual([]);
    expect(normaliseProviders({ providers: [{ id: 'hf', name: 'HF', start_url: '/v1/auth/oidc/start' }] })).toHaveLength(1);
    expect(normaliseProviders(null)).toEqual([]);
  });

  it('follows only paths of this site after signing in', () => {
    expect(safeNext('/rate?x=1')).toBe('/rate?x=1');
    for (const bad of [null, 'https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)']) expect(safeNext(bad)).toBe('/chat');
  });
});
