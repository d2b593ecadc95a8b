import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from './support/databases.js';
import { actorFrom, createTestApp, signUp, signUpAdmin, startConversation, type Actor, type TestApp } from './support/test-app.js';

/**
 * Rate the pool: POST /v1/queue/next serves the conversation that most needs a third party's
 * feedback, once per rater, and being served is what lets the rater read it and rate it. No model
 * endpoint is registered anywhere in this suite: the queue needs none.
 */
describe.each(TEST_DATABASES)('rate-the-pool queue on $name', (database) => {
  let t: TestApp;
  let admin: Actor;
  let alice: Actor;
  let communities = 0;

  beforeAll(async () => {
    t = await createTestApp(database);
    admin = await signUpAdmin(t);
    alice = await signUp(t.app);
  });
  afterAll(() => t.close());

  async function community(): Promise<string> {
    const res = await admin.request('POST', '/v1/communities', { slug: `queue-${++communities}`, name: `Queue ${communities}`, kind: 'domain' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  const next = (actor: Actor, body: object = {}) => actor.request('POST', '/v1/queue/next', body);
  const servedId = async (actor: Actor, body: object = {}) => {
    const res = await next(actor, body);
    if (res.statusCode === 204) return null;
    expect(res.statusCode, res.body).toBe(200);
    return res.json().conversation.id as string;
  };
  const assignments = (who: Actor) => t.ctx.store.db.selectFrom('queue_assignments').select('conversation_id').where('contributor_id', '=', who.id).execute();

  it('serves the fewest-rated first, then the oldest; never the caller\'s own, an unanswered or a withdrawn one; never twice; then 204', async () => {
    const c = await community();
    const oldest = await startConversation(alice, { community_id: c });
    const middle = await startConversation(alice, { community_id: c });
    const newest = await startConversation(alice, { community_id: c });
    // Nothing to judge yet: a question without an answer.
    const unanswered = await alice.request('POST', '/v1/conversations', { community_id: c, messages: [{ role: 'user', content: 'Anyone?' }] });
    expect(unanswered.statusCode).toBe(201);
    // A conversation whose author withdrew: it left the pool.
    const leaver = await signUp(t.app);
    await startConversation(leaver, { community_id: c });
    expect((await leaver.request('DELETE', '/v1/consent')).statusCode).toBe(200);

    // The oldest already has a third party's feedback (a reviewer's, from the pool), so it comes last.
    const reviewer = await signUp(t.app);
    await admin.request('PUT', `/v1/admin/contributors/${reviewer.id}/roles`, { roles: ['reviewer'] });
    const rated = await reviewer.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: oldest.id, message_id: oldest.messages[1]!.id, value: 'up' });
    expect(rated.json()).toMatchObject({ annotator_role: 'third_party' });
    // The author's own thumbs are not a third party's: they do not lower the need.
    await alice.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: middle.id, message_id: middle.messages[1]!.id, value: 'down' });

    const rater = await signUp(t.app);
    const own = await startConversation(rater, { community_id: c });
    const first = await next(rater, { community_id: c });
    expect(first.statusCode).toBe(200);
    expect(first.json().conversation).toMatchObject({ id: middle.id, contributor_id: alice.id, community_id: c, status: 'active' });
    expect(first.json().conversation.messages.map((m: { id: string }) => m.id)).toEqual(middle.messages.map((m) => m.id));
    expect(await servedId(rater, { community_id: c })).toBe(newest.id);
    expect(await servedId(rater, { community_id: c })).toBe(oldest.id);
    expect((await next(rater, { community_id: c })).statusCode).toBe(204);
    expect((await next(rater, { community_id: c })).body).toBe('');
    expect((await assignments(rater)).map((a) => a.conversation_id).sort()).toEqual([middle.id, newest.id, oldest.id].sort());
    expect((await assignments(rater)).map((a) => a.conversation_id)).not.toContain(own.id);
  });

  it('spreads raters who arrive together: an item served but not yet rated goes after one never served', async () => {
    const c = await community();
    const a = await startConversation(alice, { community_id: c });
    const b = await startConversation(alice, { community_id: c });
    const [r1, r2, r3] = [await signUp(t.app), await signUp(t.app), await signUp(t.app)];
    expect(await servedId(r1, { community_id: c })).toBe(a.id);
    expect(await servedId(r2, { community_id: c })).toBe(b.id);
    // r1 rates a: now b (served once, unrated) needs it more than a (rated once).
    expect((await r1.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: a.id, message_id: a.messages[1]!.id, value: 'up' })).statusCode).toBe(201);
    expect(await servedId(r3, { community_id: c })).toBe(b.id);
  });

  it("prefers the rater's languages, then conversations of unknown language, then the rest", async () => {
    const c = await community();
    const english = await startConversation(alice, { community_id: c, language: 'en' });
    const unknown = await startConversation(alice, { community_id: c });
    const brazilian = await startConversation(alice, { community_id: c, language: 'pt-BR' });
    const european = await startConversation(alice, { community_id: c, language: 'pt' });
    const reader = await signUp(t.app);
    expect((await reader.request('PATCH', '/v1/me', { demographics: { languages: ['pt-PT'] } })).statusCode).toBe(200);
    const order = [await servedId(reader, { community_id: c }), await servedId(reader, { community_id: c }), await servedId(reader, { community_id: c }), await servedId(reader, { community_id: c })];
    expect(order).toEqual([brazilian.id, european.id, unknown.id, english.id]);
    // Without self-reported languages: simply the oldest first.
    const anyone = await signUp(t.app);
    expect(await servedId(anyone, { community_id: c })).toBe(english.id);
  });

  it('being served lets the rater read the conversation and give third-party feedback on it, and nothing else', async () => {
    const c = await community();
    const conv = await startConversation(alice, { community_id: c });
    const answer = conv.messages[1]!.id;
    const aliceFeedback = (await alice.request('POST', '/v1/feedback', { kind: 'rating', conversation_id: conv.id, message_id: answer, score: 2 })).json();
    const rater = await signUp(t.app);
    const stranger = await signUp(t.app);

    // Before: as for anyone else's conversation.
    expect((await rater.request('GET', `/v1/conversations/${conv.id}`)).statusCode).toBe(404);
    const early = await rater.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: conv.id, message_id: answer, value: 'up' });
    expect({ status: early.statusCode, code: early.json().error.code }).toEqual({ status: 422, code: 'invalid_reference' });

    expect(await servedId(rater, { community_id: c })).toBe(conv.id);
    const read = await rater.request('GET', `/v1/conversations/${conv.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: conv.id, contributor_id: alice.id });
    const thumbs = await rater.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: conv.id, message_id: answer, value: 'up' });
    expect(thumbs.statusCode, thumbs.body).toBe(201);
    expect(thumbs.json()).toMatchObject({ contributor_id: rater.id, annotator_role: 'third_party', conversation_id: conv.id });
    const ranking = await rater.request('POST', '/v1/feedback', { kind: 'rating', conversation_id: conv.id, message_id: answer, score: 5 });
    expect(ranking.statusCode).toBe(201);
    // As a third party only.
    const posing = await rater.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: conv.id, message_id: answer, value: 'up', annotator_role: 'interlocutor' });
    expect(posing.statusCode).toBe(400);
    // Bulk ingest follows the same rule.
    const line = JSON.stringify({ type: 'feedback', kind: 'thumbs', conversation_id: conv.id, message_id: answer, value: 'down' });
    expect((await rater.request('POST', '/v1/ingest', line, { 'content-type': 'application/x-ndjson' })).json()).toMatchObject({ feedback: 1, rejected: 0 });
    expect((await stranger.request('POST', '/v1/ingest', line, { 'content-type': 'application/x-ndjson' })).json()).toMatchObject({ feedback: 0, rejected: 1 });

    // Nothing else: not the author's feedback, not a place to write turns, not in the rater's listings.
    expect((await rater.request('GET', `/v1/feedback/${aliceFeedback.id}`)).statusCode).toBe(404);
    const listed = (await rater.request('GET', `/v1/feedback?conversation_id=${conv.id}`)).json().items as { contributor_id: string }[];
    expect(listed.length).toBe(3);
    expect(listed.every((f) => f.contributor_id === rater.id)).toBe(true);
    const turn = await rater.request('POST', `/v1/conversations/${conv.id}/messages`, { parent_id: answer, role: 'user', content: 'mine now' });
    expect({ status: turn.statusCode, code: turn.json().error.code }).toEqual({ status: 403, code: 'forbidden' });
    expect(((await rater.request('GET', '/v1/conversations?limit=500')).json().items as { id: string }[]).map((i) => i.id)).not.toContain(conv.id);
    expect((await rater.request('DELETE', `/v1/conversations/${conv.id}`)).statusCode).toBe(403);
    // …and nobody else gained anything.
    expect((await stranger.request('GET', `/v1/conversations/${conv.id}`)).statusCode).toBe(404);
    // The rater's read-only key reads it too (it acts for the rater); it cannot rate.
    const key = (await rater.request('POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] })).json();
    const viaKey = actorFrom(t.app, rater.id, rater.handle, { apiKey: key.key });
    expect((await viaKey.request('GET', `/v1/conversations/${conv.id}`)).statusCode).toBe(200);
    expect((await viaKey.request('POST', '/v1/queue/next', {})).statusCode).toBe(403);
  });

  it('refuses without consent, with an unknown community, or without credentials, and records nothing', async () => {
    const c = await community();
    await startConversation(alice, { community_id: c });
    const unconsented = await signUp(t.app, { consent: false });
    const refused = await next(unconsented, { community_id: c });
    expect({ status: refused.statusCode, code: refused.json().error.code }).toEqual({ status: 403, code: 'consent_required' });
    expect(await assignments(unconsented)).toEqual([]);
    const rater = await signUp(t.app);
    const unknown = await next(rater, { community_id: 'no-such-community' });
    expect({ status: unknown.statusCode, code: unknown.json().error.code, field: unknown.json().error.field }).toEqual({ status: 422, code: 'invalid_reference', field: 'community_id' });
    expect((await next(rater, { community_id: c, extra: 1 })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'POST', url: '/v1/queue/next', payload: {} })).statusCode).toBe(401);
    expect(await assignments(rater)).toEqual([]);
    // The community may be named by its slug; no body at all means the whole pool.
    const slug = (await admin.request('GET', `/v1/communities/${c}`)).json().slug as string;
    expect(await servedId(rater, { community_id: slug })).not.toBeNull();
    const whole = await t.app.inject({ method: 'POST', url: '/v1/queue/next', headers: { cookie: rater.cookie } });
    expect(whole.statusCode, whole.body).toBe(200);
  });

  it('never serves one rater the same item twice, even when they ask many times at once', async () => {
    const c = await community();
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await startConversation(alice, { community_id: c })).id);
    const rater = await signUp(t.app);
    const responses = await Promise.all(Array.from({ length: 8 }, () => next(rater, { community_id: c })));
    const served = responses.filter((r) => r.statusCode === 200).map((r) => r.json().conversation.id as string);
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 204, 204]);
    expect(new Set(served)).toEqual(new Set(ids));
    expect((await assignments(rater)).map((a) => a.conversation_id).sort()).toEqual([...served].sort());
  });
});
