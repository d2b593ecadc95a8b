import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '@openfeedback/core';
import { SQLITE_TEST_DATABASE } from './support/databases.js';
import { postEventStream } from './support/event-stream.js';
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js';
import { createTestApp, signUp, signUpAdmin, type Actor, type TestApp } from './support/test-app.js';

/**
 * The model gateway against a local fake OpenAI-compatible endpoint, through a real listening
 * server (streams and stop buttons need a real connection): answers stream as server-sent events,
 * failures reach the person as clear events, and the pool never holds half an answer as whole.
 */
let t: TestApp;
let fake: FakeOpenAi;
let base: string;
let person: Actor;
let modelId: string;
const models: Record<string, string> = {};

const chat = (body: object, options: { stopAfterTokens?: number; cookie?: string } = {}) => postEventStream<ChatEvent>(`${base}/v1/chat`, body, options.cookie ?? person.cookie, options);

const count = async (table: 'messages' | 'feedback' | 'conversations') => Number((await t.ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const answersTo = (userMessageId: string) => t.ctx.store.db.selectFrom('messages').selectAll().where('parent_id', '=', userMessageId).execute();

beforeAll(async () => {
  fake = await startFakeOpenAi();
  t = await createTestApp(SQLITE_TEST_DATABASE, { gatewayFirstTokenSeconds: 1, gatewayIdleSeconds: 1, gatewayRetries: 0 });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const admin = await signUpAdmin(t);
  const community = (await admin.request('POST', '/v1/communities', { slug: 'chat-test', name: 'Chat', kind: 'domain' })).json();
  for (const name of ['fluent', 'busy', 'broken', 'silent', 'cut-off', 'slow']) {
    const res = await admin.request('POST', '/v1/models', { slug: `m-${name}`, name, community_id: community.id, base_url: fake.url, model_name: name });
    models[name] = res.json().id;
  }
  modelId = models.fluent!;
  fake.behave('fluent', { kind: 'stream', tokens: ['The', ' Tagus', '.'] });
  fake.behave('busy', { kind: 'status', status: 429, retryAfterSeconds: 0 });
  fake.behave('broken', { kind: 'status', status: 500 });
  fake.behave('silent', { kind: 'hang' });
  fake.behave('cut-off', { kind: 'cut', tokens: ['It', ' is', ' the'] });
  fake.behave('slow', { kind: 'stream', tokens: Array.from({ length: 30 }, (_, i) => ` w${i}`), delayMs: 100 });
  person = await signUp(t.app);
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

describe('POST /v1/chat', () => {
  it('streams the answer token by token, then stores it whole under the user turn', async () => {
    const { events } = await chat({ model_id: modelId, content: 'Which river runs through Lisbon?' });
    expect(events.map((e) => e.type)).toEqual(['turn', 'token', 'token', 'token', 'done']);
    const turn = events[0] as Extract<ChatEvent, { type: 'turn' }>;
    const done = events.at(-1) as Extract<ChatEvent, { type: 'done' }>;
    expect(done.text).toBe('The Tagus.');
    expect(done.message).toMatchObject({ role: 'assistant', content: 'The Tagus.', model_id: modelId, parent_id: turn.user_message!.id, conversation_id: turn.conversation_id });
    expect(fake.requests.at(-1)).toEqual({ model: 'fluent', messages: [{ role: 'user', content: 'Which river runs through Lisbon?' }] });
    const stored = await answersTo(turn.user_message!.id);
    expect(stored.map((m) => m.content)).toEqual(['The Tagus.']);
    const conversation = await t.ctx.store.db.selectFrom('conversations').select('title').where('id', '=', turn.conversation_id!).executeTakeFirstOrThrow();
    expect(conversation.title).toBe('Which river runs through Lisbon?');

    // The next turn carries the conversation so far to the model.
    const next = await chat({ model_id: modelId, conversation_id: turn.conversation_id, parent_id: done.message!.id, content: 'And Porto?' });
    expect(next.events.at(-1)!.type).toBe('done');
    expect(fake.requests.at(-1)!.messages.map((m) => m.content)).toEqual(['Which river runs through Lisbon?', 'The Tagus.', 'And Porto?']);
  });

  it('regenerates a sibling answer and records the replaced one as implicitly not good enough', async () => {
    const first = await chat({ model_id: modelId, content: 'Capital of Portugal?' });
    const turn = first.events[0] as Extract<ChatEvent, { type: 'turn' }>;
    const replaced = (first.events.at(-1) as Extract<ChatEvent, { type: 'done' }>).message!;
    const again = await chat({ model_id: modelId, conversation_id: turn.conversation_id, parent_id: turn.user_message!.id, regenerate_of: replaced.id });
    expect(again.events.map((e) => e.type)).toEqual(['turn', 'token', 'token', 'token', 'done']);
    expect((await answersTo(turn.user_message!.id)).length).toBe(2);
    const implicit = await t.ctx.store.db.selectFrom('feedback').selectAll().where('message_id', '=', replaced.id).execute();
    expect(implicit.map((f) => [f.kind, f.valence, f.contributor_id])).toEqual([['regenerate', -1, person.id]]);
  });

  for (const [model, code] of [
    ['busy', 'model_rate_limited'],
    ['broken', 'model_unavailable'],
    ['silent', 'model_timeout'],
    ['cut-off', 'model_interrupted'],
  ] as const) {
    it(`tells the person when the model fails (${code}) and stores no answer`, async () => {
      const before = await count('messages');
      const { events } = await chat({ model_id: models[model], content: `Question for ${model}` });
      const error = events.at(-1) as Extract<ChatEvent, { type: 'error' }>;
      expect(error).toMatchObject({ type: 'error', code });
      expect(error.message.length).toBeGreaterThan(10);
      if (model === 'cut-off') expect(error.partial).toBe('It is the');
      const turn = events[0] as Extract<ChatEvent, { type: 'turn' }>;
      // The user turn is kept (it can be answered again); no answer, whole or half, is.
      expect(await count('messages')).toBe(before + 1);
      expect(await answersTo(turn.user_message!.id)).toEqual([]);
    });
  }

  it('retries a rate-limited request before the answer starts, then gives up', async () => {
    const t2 = await createTestApp(SQLITE_TEST_DATABASE, { gatewayFirstTokenSeconds: 2, gatewayRetries: 2 });
    try {
      const admin = await signUpAdmin(t2);
      const community = (await admin.request('POST', '/v1/communities', { slug: 'retry', name: 'Retry', kind: 'domain' })).json();
      const model = (await admin.request('POST', '/v1/models', { slug: 'busy2', name: 'busy2', community_id: community.id, base_url: fake.url, model_name: 'busy' })).json();
      const url = await t2.app.listen({ port: 0, host: '127.0.0.1' });
      const before = fake.requests.length;
      const res = await fetch(`${url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: admin.cookie }, body: JSON.stringify({ model_id: model.id, content: 'hi' }) });
      expect(await res.text()).toContain('model_rate_limited');
      expect(fake.requests.length - before).toBe(3);
    } finally {
      await t2.close();
    }
  });

  it('stops the model when the person stops, and keeps no half answer', async () => {
    const { events } = await chat({ model_id: models.slow, content: 'Tell me a long story' }, { stopAfterTokens: 2 });
    const turn = events[0] as Extract<ChatEvent, { type: 'turn' }>;
    expect(events.filter((e) => e.type === 'token').length).toBeLessThan(30);
    await new Promise((r) => setTimeout(r, 500));
    expect(await answersTo(turn.user_message!.id)).toEqual([]);
  });

  it('stores nothing at all while recording is paused', async () => {
    const before = await Promise.all([count('conversations'), count('messages'), count('feedback')]);
    const { events } = await chat({ model_id: modelId, record: false, history: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }], content: 'Off the record?' });
    expect(events.map((e) => e.type)).toEqual(['token', 'token', 'token', 'done']);
    expect((events.at(-1) as Extract<ChatEvent, { type: 'done' }>).message).toBeNull();
    expect(fake.requests.at(-1)!.messages.map((m) => m.content)).toEqual(['Hi', 'Hello!', 'Off the record?']);
    expect(await Promise.all([count('conversations'), count('messages'), count('feedback')])).toEqual(before);
  });

  it('refuses before streaming: recording without consent, an unknown model, an answer under an answer', async () => {
    const newcomer = await signUp(t.app, { consent: false });
    const noConsent = await chat({ model_id: modelId, content: 'hi' }, { cookie: newcomer.cookie });
    expect(noConsent).toMatchObject({ status: 403, json: { error: { code: 'consent_required' } } });
    const offRecord = await chat({ model_id: modelId, record: false, content: 'hi' }, { cookie: newcomer.cookie });
    expect(offRecord.events.at(-1)!.type).toBe('done');
    expect((await chat({ model_id: 'nope', content: 'hi' })).json.error).toMatchObject({ code: 'invalid_reference', field: 'model_id' });
    const first = await chat({ model_id: modelId, content: 'Q' });
    const done = first.events.at(-1) as Extract<ChatEvent, { type: 'done' }>;
    const wrong = await chat({ model_id: modelId, conversation_id: done.message!.conversation_id, parent_id: done.message!.id });
    expect(wrong.json.error).toMatchObject({ code: 'invalid_tree', field: 'parent_id' });
  });
});
