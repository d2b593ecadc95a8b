import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from './support/databases.js';
import { createTestApp, signUp, signUpAdmin, startConversation, type Actor, type TestApp } from './support/test-app.js';

describe.each(TEST_DATABASES)('feedback API on $name', (database) => {
  let t: TestApp;
  let alice: Actor;
  let conv: Awaited<ReturnType<typeof startConversation>>;
  let answer: string;
  let question: string;

  beforeAll(async () => {
    t = await createTestApp(database);
    alice = await signUp(t.app);
    conv = await startConversation(alice);
    question = conv.messages[0]!.id;
    answer = conv.messages[1]!.id;
  });
  afterAll(() => t.close());

  it('records a thumbs-up as a positive interlocutor event and reads it back', async () => {
    const res = await alice.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: conv.id, message_id: answer, value: 'up' });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ kind: 'thumbs', value: 'up', valence: 1, annotator_role: 'interlocutor', provenance: { type: 'human' }, licence: 'CC-BY-4.0', status: 'active', contributor_id: alice.id });
    const read = await alice.request('GET', `/v1/feedback/${created.id}`);
    expect(read.json()).toEqual(created);
  });

  it('stores every kind of feedback with its own fields and valence', async () => {
    const second = await alice.request('POST', `/v1/conversations/${conv.id}/messages`, { parent_id: question, role: 'assistant', content: 'Lisbon, on the Tagus.' });
    expect(second.statusCode).toBe(201);
    const sibling = second.json().id as string;
    const follow = await alice.request('POST', `/v1/conversations/${conv.id}/messages`, { parent_id: answer, role: 'user', content: 'No, I asked about Porto. Try again.' });
    const userTurn = follow.json().id as string;
    const events: [Record<string, unknown>, number | null][] = [
      [{ kind: 'rating', message_id: answer, score: 4 }, 0.5],
      [{ kind: 'pairwise', message_id: answer, other_message_id: sibling, outcome: 'b' }, null],
      [{ kind: 'pairwise', message_id: answer, other_message_id: sibling, outcome: 'both_bad' }, -1],
      [{ kind: 'ranking', ranking: [sibling, answer] }, null],
      [{ kind: 'correction', message_id: answer, text: 'Lisbon is the capital of Portugal.' }, -1],
      [{ kind: 'critique', message_id: answer, text: 'Too short', span: { start: 0, end: 3 }, sentiment: -1 }, -1],
      [{ kind: 'flag', message_id: answer, reason: 'off_topic' }, -1],
      [{ kind: 'regenerate', message_id: answer }, -1],
      [{ kind: 'natural', message_id: answer, source_message_id: userTurn, category: 'UR1', span: { start: 0, end: 27 } }, -1],
    ];
    for (const [body, valence] of events) {
      const res = await alice.request('POST', '/v1/feedback', { conversation_id: conv.id, ...body });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ ...body, valence });
    }
    const list = await alice.request('GET', `/v1/feedback?conversation_id=${conv.id}&limit=500`);
    expect(list.json().items.map((f: { kind: string }) => f.kind).sort()).toEqual(
      ['correction', 'critique', 'flag', 'natural', 'pairwise', 'pairwise', 'ranking', 'rating', 'regenerate', 'thumbs'].sort(),
    );
  });

  it('refuses feedback that does not fit the conversation, naming the field', async () => {
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ kind: 'thumbs', message_id: question, value: 'up' }, 422, 'invalid_reference', 'message_id'],
      [{ kind: 'thumbs', message_id: 'no-such-message', value: 'up' }, 422, 'invalid_reference', 'message_id'],
      [{ kind: 'rating', message_id: answer, score: 9 }, 400, 'validation_failed', 'score'],
      [{ kind: 'critique', message_id: answer, text: 'x', span: { start: 0, end: 10_000 } }, 400, 'validation_failed', 'span'],
      [{ kind: 'thumbs', message_id: answer, value: 'sideways' }, 400, 'validation_failed', 'value'],
      [{ kind: 'telepathy', message_id: answer }, 400, 'validation_failed', 'kind'],
      [{ kind: 'thumbs', message_id: answer, value: 'up', extra: 1 }, 400, 'validation_failed', 'extra'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await alice.request('POST', '/v1/feedback', { conversation_id: conv.id, ...body });
      expect({ status: res.statusCode, ...res.json().error }, JSON.stringify(body)).toMatchObject({ status, code, field });
    }
  });

  it('uses the community rubric scale for rubric questions', async () => {
    const admin = await signUpAdmin(t);
    const community = await admin.request('POST', '/v1/communities', {
      slug: `pt-${database.name}`,
      name: 'Português',
      kind: 'language',
      languages: ['pt'],
      rubric: [{ id: 'fluency', text: 'How fluent is the answer?', min: 1, max: 7 }],
    });
    expect(community.statusCode, community.body).toBe(201);
    const c = await startConversation(alice, { community_id: community.json().id, language: 'pt' });
    const ok = await alice.request('POST', '/v1/feedback', { kind: 'rating', conversation_id: c.id, message_id: c.messages[1]!.id, question_id: 'fluency', score: 7 });
    expect(ok.json()).toMatchObject({ scale_min: 1, scale_max: 7, valence: 1, community_id: community.json().id, language: 'pt' });
    const unknown = await alice.request('POST', '/v1/feedback', { kind: 'rating', conversation_id: c.id, message_id: c.messages[1]!.id, question_id: 'humour', score: 3 });
    expect(unknown.json().error).toMatchObject({ code: 'invalid_reference', field: 'question_id' });
  });

  it('returns the first result for a retried POST with the same Idempotency-Key', async () => {
    const body = { kind: 'thumbs', conversation_id: conv.id, message_id: answer, value: 'down' };
    const first = await alice.request('POST', '/v1/feedback', body, { 'idempotency-key': 'retry-1' });
    const again = await alice.request('POST', '/v1/feedback', body, { 'idempotency-key': 'retry-1' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const all = await alice.request('GET', `/v1/feedback?conversation_id=${conv.id}&kind=thumbs&limit=500`);
    expect(all.json().items.filter((f: { id: string }) => f.id === first.json().id)).toHaveLength(1);
    expect(all.json().items.filter((f: { value: string }) => f.value === 'down')).toHaveLength(1);
    const other = await alice.request('POST', '/v1/feedback', { ...body, value: 'up' }, { 'idempotency-key': 'retry-1' });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.code).toBe('idempotency_key_reused');
  });

  it('refuses writes without consent and stores nothing of them', async () => {
    const bob = await signUp(t.app, { consent: false });
    const before = await t.ctx.store.db.selectFrom('conversations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const res = await bob.request('POST', '/v1/conversations', { messages: [{ role: 'user', content: 'hello' }] });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('consent_required');
    const after = await t.ctx.store.db.selectFrom('conversations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('pages through feedback newest first with a cursor, never repeating an event', async () => {
    const ids = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { json(): { items: { id: string }[]; next_cursor: string | null } } = await alice.request('GET', `/v1/feedback?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      const page = res.json();
      for (const f of page.items) {
        expect(ids.has(f.id)).toBe(false);
        ids.add(f.id);
      }
      cursor = page.next_cursor;
      pages++;
    } while (cursor !== null);
    const all = await alice.request('GET', '/v1/feedback?limit=500');
    expect(ids.size).toBe(all.json().items.length);
    expect(pages).toBeGreaterThan(2);
    const bad = await alice.request('GET', '/v1/feedback?cursor=not-a-cursor');
    expect(bad.json().error).toMatchObject({ code: 'invalid_cursor', field: 'cursor' });
  });
});
