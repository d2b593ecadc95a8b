import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, type ArenaEvent, type ArenaSide } from '@openfeedback/core';
import { TEST_DATABASES } from './support/databases.js';
import { postEventStream } from './support/event-stream.js';
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js';
import { createTestApp, grantRoles, signUp, signUpAdmin, type Actor, type TestApp } from './support/test-app.js';

/**
 * The blind arena through a real listening server (both answers stream at once over one
 * connection), against a scripted OpenAI-compatible endpoint serving two models and the built-in
 * pool model: draws by weight, both answers stored as siblings naming no model, no name anywhere
 * the page can read before the vote, one vote that shows the names, and a vote that does not count
 * when a model names itself.
 */

interface Battle {
  status: number;
  /** The response body exactly as it came. */
  raw: string;
  events: ArenaEvent[];
  json?: any;
}

const TAGUS = ['The', ' Tagus', ' runs', ' through', ' Lisbon.'];
const DOURO = ['It', ' is', ' the', ' Douro.'];

describe.each(TEST_DATABASES)('the blind arena on $name', (database) => {
  let t: TestApp;
  let fake: FakeOpenAi;
  let base: string;
  let admin: Actor;
  let person: Actor;
  let community: { id: string; slug: string };
  const models: Record<'A' | 'B' | 'pool', { id: string; slug: string; name: string; model_name: string }> = {} as never;
  const db = () => t.ctx.store.db;

  const post = (url: string, body: object, actor: Actor = person, options: { stopAfterTokens?: number } = {}): Promise<Battle> =>
    postEventStream<ArenaEvent>(`${base}${url}`, body, actor.cookie, options);

  const battleRow = (id: string) => db().selectFrom('arena_battles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const startOf = (b: Battle) => b.events.find((e) => e.type === 'start') as Extract<ArenaEvent, { type: 'start' }>;
  const doneOf = (b: Battle, side: ArenaSide) => b.events.find((e) => e.type === 'done' && e.side === side) as Extract<ArenaEvent, { type: 'done' }> | undefined;
  const textOf = (b: Battle, side: ArenaSide) => b.events.filter((e): e is Extract<ArenaEvent, { type: 'token' }> => e.type === 'token' && e.side === side).map((e) => e.text).join('');
  const endOf = (b: Battle) => b.events.at(-1) as Extract<ArenaEvent, { type: 'end' }>;
  /** Which registered model (A, B, pool) a battle put on each side, as the database knows it. */
  async function sidesOf(b: Battle): Promise<Record<ArenaSide, 'A' | 'B' | 'pool'>> {
    const row = await battleRow(startOf(b).battle_id);
    const key = (id: string) => (Object.keys(models) as ('A' | 'B' | 'pool')[]).find((k) => models[k].id === id)!;
    return { a: key(row.model_a), b: key(row.model_b) };
  }
  async function setWeights(weights: Partial<Record<'A' | 'B' | 'pool', number>>) {
    for (const [k, w] of Object.entries(weights)) {
      const res = await admin.request('PATCH', `/v1/models/${models[k as 'A'].id}`, { arena_weight: w });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().arena_weight).toBe(w);
    }
  }
  /** Every way the page could learn a model: its id, slug, display name and model name. */
  const giveaways = () => Object.values(models).flatMap((m) => [m.id, m.slug, m.name, m.model_name]);
  const expectNoNames = (label: string, text: string) => {
    for (const g of giveaways()) expect(text.toLowerCase(), `${label} names ${g}`).not.toContain(g.toLowerCase());
  };

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    t = await createTestApp(database, { gatewayFirstTokenSeconds: 1, gatewayIdleSeconds: 1, gatewayRetries: 0 }, { random: seededRandom(42) });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    admin = await signUpAdmin(t);
    community = (await admin.request('POST', '/v1/communities', { slug: 'arena-test', name: 'Arena', kind: 'domain' })).json();
    const register = async (slug: string, name: string, model_name: string, base_url: string | null, arena_weight?: number) => {
      const res = await admin.request('POST', '/v1/models', { slug, name, community_id: community.id, base_url, model_name, ...(arena_weight !== undefined && { arena_weight }) });
      expect(res.statusCode, res.body).toBe(201);
      return { id: res.json().id as string, slug, name, model_name };
    };
    models.A = await register('zephyrine-a', 'FakeModel-A', 'quokka-a', fake.url);
    models.B = await register('zephyrine-b', 'FakeModel-B', 'quokka-b', fake.url);
    // The built-in pool model (no endpoint); out of the arena until the test that wants it.
    models.pool = await register('marmoset-pool', 'Marmoset Oracle', 'marmoset', null, 0);
    expect((await admin.request('GET', `/v1/models/${models.A.id}`)).json().arena_weight).toBe(1);
    fake.behave('quokka-a', { kind: 'stream', tokens: TAGUS, delayMs: 15 });
    fake.behave('quokka-b', { kind: 'stream', tokens: DOURO, delayMs: 15 });
    person = await signUp(t.app);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  afterEach(async () => {
    fake.behave('quokka-a', { kind: 'stream', tokens: TAGUS, delayMs: 15 });
    fake.behave('quokka-b', { kind: 'stream', tokens: DOURO, delayMs: 15 });
  });

  it('streams both answers at once and stores them as siblings that name no model until the vote', async () => {
    const before = fake.requests.length;
    const b = await post('/v1/arena/battles', { community_id: community.slug, content: 'Which river runs through Lisbon?' });
    expect(b.status).toBe(200);
    const types = b.events.map((e) => e.type);
    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('end');
    expect(endOf(b)).toEqual({ type: 'end', status: 'open', invalid_reason: null });
    // Concurrent: side b's first token comes before side a's last one (and the other way round).
    const tokens = b.events.filter((e) => e.type === 'token').map((e) => (e as { side: string }).side);
    expect(tokens.indexOf('b')).toBeLessThan(tokens.lastIndexOf('a'));
    expect(tokens.indexOf('a')).toBeLessThan(tokens.lastIndexOf('b'));

    const sides = await sidesOf(b);
    expect(new Set(Object.values(sides))).toEqual(new Set(['A', 'B']));
    const expected = { A: TAGUS.join(''), B: DOURO.join(''), pool: '' };
    expect(textOf(b, 'a')).toBe(expected[sides.a]);
    expect(textOf(b, 'b')).toBe(expected[sides.b]);
    // Each model was asked the prompt, once.
    expect(fake.requests.slice(before).map((r) => r.model).sort()).toEqual(['quokka-a', 'quokka-b']);

    const start = startOf(b);
    const prompt = start.prompts.a;
    expect(start.prompts.b.id).toBe(prompt.id);
    const stored = await db().selectFrom('messages').selectAll().where('conversation_id', '=', start.conversation_id).orderBy('id').execute();
    const answers = stored.filter((m) => m.role === 'assistant');
    expect(answers.map((m) => m.parent_id)).toEqual([prompt.id, prompt.id]);
    expect(answers.map((m) => [m.model_id, m.model_version_id])).toEqual([[null, null], [null, null]]);
    expect(new Set(answers.map((m) => m.id))).toEqual(new Set([doneOf(b, 'a')!.message.id, doneOf(b, 'b')!.message.id]));
    expect(doneOf(b, 'a')!.message).toMatchObject({ content: expected[sides.a], model_id: null, role: 'assistant' });
    const conversation = await db().selectFrom('conversations').selectAll().where('id', '=', start.conversation_id).executeTakeFirstOrThrow();
    expect(conversation).toMatchObject({ title: 'Which river runs through Lisbon?', source: 'openfeedback', contributor_id: person.id, community_id: community.id });
    // The DB knows who is who.
    const row = await battleRow(start.battle_id);
    expect(row).toMatchObject({ status: 'open', contributor_id: person.id, community_id: community.id, conversation_id: start.conversation_id });
  });

  it('never lets the page learn a name before the vote: not in the stream, the battle, the conversation or my data', async () => {
    const b = await post('/v1/arena/battles', { community_id: community.id, content: 'Name a river in Portugal.' });
    const { battle_id, conversation_id } = startOf(b);
    expectNoNames('the stream', b.raw);
    const battle = await person.request('GET', `/v1/arena/battles/${battle_id}`);
    expect(battle.json()).toMatchObject({ id: battle_id, status: 'open', model_a: null, model_b: null, outcome: null });
    expectNoNames('GET battle', battle.body);
    const conversation = await person.request('GET', `/v1/conversations/${conversation_id}`);
    expect(conversation.json().messages).toHaveLength(3);
    expectNoNames('GET conversation', conversation.body);
    expectNoNames('the conversation listing', (await person.request('GET', '/v1/conversations')).body);
    expectNoNames('my data (JSON)', (await person.request('GET', '/v1/me/export?format=json')).body);
    expectNoNames('my data (CSV)', (await person.request('GET', '/v1/me/export?format=csv&table=messages')).body);
    expectNoNames('the conversations export', (await person.request('GET', '/v1/exports/conversations')).body);
    // Feedback on one answer in the meantime does not tell its model either.
    const thumbs = await person.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id, message_id: doneOf(b, 'a')!.message.id, value: 'up' });
    expect(thumbs.statusCode).toBe(201);
    expectNoNames('a thumbs on an answer', thumbs.body);
    expectNoNames('the feedback listing', (await person.request('GET', '/v1/feedback')).body);
    // A reviewer reading the whole pool does not see them either.
    const reviewer = await signUp(t.app);
    await grantRoles(admin, reviewer, ['reviewer']);
    const read = await reviewer.request('GET', `/v1/arena/battles/${battle_id}`);
    expect(read.statusCode).toBe(200);
    expectNoNames('GET battle (reviewer)', read.body);
    expectNoNames('GET conversation (reviewer)', (await reviewer.request('GET', `/v1/conversations/${conversation_id}`)).body);
  });

  it('stores one vote as pairwise feedback, shows the names, and refuses a second vote', async () => {
    const b = await post('/v1/arena/battles', { community_id: community.id, content: 'Which river flows through Porto?' });
    const { battle_id, conversation_id } = startOf(b);
    const sides = await sidesOf(b);
    const answerA = doneOf(b, 'a')!.message.id;
    const answerB = doneOf(b, 'b')!.message.id;

    const vote = await person.request('POST', `/v1/arena/battles/${battle_id}/vote`, { winner: 'b' });
    expect(vote.statusCode, vote.body).toBe(200);
    const shown = vote.json();
    expect(shown).toMatchObject({ status: 'voted', outcome: 'b', invalid_reason: null });
    expect(shown.model_a).toEqual({ id: models[sides.a].id, slug: models[sides.a].slug, name: models[sides.a].name });
    expect(shown.model_b).toEqual({ id: models[sides.b].id, slug: models[sides.b].slug, name: models[sides.b].name });
    expect((await person.request('GET', `/v1/arena/battles/${battle_id}`)).json()).toMatchObject({ status: 'voted', model_a: shown.model_a, model_b: shown.model_b });

    const events = await db().selectFrom('feedback').selectAll().where('conversation_id', '=', conversation_id).execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: shown.feedback_id, kind: 'pairwise', message_id: answerA, contributor_id: person.id, annotator_role: 'interlocutor', status: 'active', model_id: models[sides.a].id });
    expect(JSON.parse(events[0]!.payload)).toEqual({ other_message_id: answerB, outcome: 'b' });
    // The answers now name their models, like any other answer.
    const answers = await db().selectFrom('messages').select(['id', 'model_id']).where('id', 'in', [answerA, answerB]).execute();
    expect(Object.fromEntries(answers.map((m) => [m.id, m.model_id]))).toEqual({ [answerA]: models[sides.a].id, [answerB]: models[sides.b].id });
    const conversation = (await person.request('GET', `/v1/conversations/${conversation_id}`)).json();
    expect(conversation.messages.filter((m: { model_id: string | null }) => m.model_id !== null)).toHaveLength(2);

    const again = await person.request('POST', `/v1/arena/battles/${battle_id}/vote`, { winner: 'a' });
    expect({ status: again.statusCode, code: again.json().error.code }).toEqual({ status: 409, code: 'conflict' });
    const more = await post(`/v1/arena/battles/${battle_id}/turns`, { content: 'And Coimbra?' });
    expect({ status: more.status, code: more.json.error.code }).toEqual({ status: 409, code: 'conflict' });
    expect(await db().selectFrom('feedback').select('id').where('conversation_id', '=', conversation_id).execute()).toHaveLength(1);
    expect((await battleRow(battle_id)).outcome).toBe('b');
  });

  it('counts no vote when an answer names its own model', async () => {
    fake.behave('quokka-b', { kind: 'stream', tokens: ['I am FakeModel-B', ', and the answer', ' is the Mondego.'] });
    const b = await post('/v1/arena/battles', { community_id: community.id, content: 'Which river runs through Coimbra?' });
    const { battle_id, conversation_id } = startOf(b);
    const sides = await sidesOf(b);
    const vote = await person.request('POST', `/v1/arena/battles/${battle_id}/vote`, { winner: sides.a === 'B' ? 'a' : 'b' });
    expect(vote.statusCode).toBe(200);
    expect(vote.json()).toMatchObject({ status: 'invalid', invalid_reason: 'self_identified' });
    expect(vote.json().model_a.id).toBe(models[sides.a].id);
    // The vote is kept for the record but is not active: nothing that counts votes reads it.
    const events = await db().selectFrom('feedback').selectAll().where('conversation_id', '=', conversation_id).execute();
    expect(events.map((e) => [e.id, e.kind, e.status])).toEqual([[vote.json().feedback_id, 'pairwise', 'removed']]);
    const active = (await person.request('GET', `/v1/feedback?conversation_id=${conversation_id}&status=active`)).json().items;
    expect(active).toEqual([]);
    const again = await person.request('POST', `/v1/arena/battles/${battle_id}/vote`, { winner: 'tie' });
    expect(again.statusCode).toBe(409);
  });

  it('continues both sides, each with its own answers, and compares the latest', async () => {
    const b = await post('/v1/arena/battles', { community_id: community.id, content: 'Which river runs through Lisbon?' });
    const { battle_id, conversation_id } = startOf(b);
    const sides = await sidesOf(b);
    const first = { a: doneOf(b, 'a')!.message, b: doneOf(b, 'b')!.message };
    const before = fake.requests.length;
    const next = await post(`/v1/arena/battles/${battle_id}/turns`, { content: 'And through Porto?' });
    expect(next.status).toBe(200);
    expect(endOf(next)).toMatchObject({ status: 'open' });
    const start = startOf(next);
    expect(start.prompts.a.parent_id).toBe(first.a.id);
    expect(start.prompts.b.parent_id).toBe(first.b.id);
    const asked = fake.requests.slice(before);
    expect(asked).toHaveLength(2);
    const modelName = (side: ArenaSide) => models[sides[side]].model_name;
    for (const side of ['a', 'b'] as const) {
      const request = asked.find((r) => r.model === modelName(side))!;
      expect(request.messages).toEqual([
        { role: 'user', content: 'Which river runs through Lisbon?' },
        { role: 'assistant', content: first[side].content },
        { role: 'user', content: 'And through Porto?' },
      ]);
    }
    const latest = { a: doneOf(next, 'a')!.message, b: doneOf(next, 'b')!.message };
    expect(latest.a.parent_id).toBe(start.prompts.a.id);
    expect(latest.b.parent_id).toBe(start.prompts.b.id);
    const battle = (await person.request('GET', `/v1/arena/battles/${battle_id}`)).json();
    expect(battle.turns).toHaveLength(2);
    expect(battle.turns[1]).toEqual({ prompt_a: start.prompts.a.id, prompt_b: start.prompts.b.id, answer_a: latest.a.id, answer_b: latest.b.id });

    const vote = await person.request('POST', `/v1/arena/battles/${battle_id}/vote`, { winner: 'tie' });
    expect(vote.json()).toMatchObject({ status: 'voted', outcome: 'tie' });
    const [event] = await db().selectFrom('feedback').selectAll().where('conversation_id', '=', conversation_id).execute();
    expect(event).toMatchObject({ message_id: latest.a.id });
    expect(JSON.parse(event!.payload)).toEqual({ other_message_id: latest.b.id, outcome: 'tie' });
    // Every answer of the battle, both turns, names its model now.
    const named = await db().selectFrom('messages').select(['id', 'model_id']).where('conversation_id', '=', conversation_id).where('role', '=', 'assistant').execute();
    expect(named.map((m) => m.model_id).sort()).toEqual([models[sides.a].id, models[sides.a].id, models[sides.b].id, models[sides.b].id].sort());
  });

  it('draws by weight: never a model of weight 0, both orders of sides', async () => {
    await setWeights({ A: 0, pool: 1 });
    try {
      const orders = new Set<string>();
      for (let i = 0; i < 8; i++) {
        const b = await post('/v1/arena/battles', { community_id: community.id, content: `Question ${i} about rivers?` });
        const sides = await sidesOf(b);
        expect(Object.values(sides).sort()).toEqual(['B', 'pool']);
        orders.add(`${sides.a}-${sides.b}`);
        expect(endOf(b).status).toBe('open');
      }
      expect(orders).toEqual(new Set(['B-pool', 'pool-B']));
    } finally {
      await setWeights({ A: 1, pool: 0 });
    }
  });

  it('battles the built-in pool model like any other, and its vote counts', async () => {
    await setWeights({ A: 0, pool: 1 });
    try {
      // Earlier battles asked this; the pool model answers with what was answered then.
      const b = await post('/v1/arena/battles', { community_id: community.id, content: 'Which river runs through Lisbon?' });
      const sides = await sidesOf(b);
      const poolSide = sides.a === 'pool' ? 'a' : 'b';
      expect(fake.requests.at(-1)!.model).toBe('quokka-b');
      expect([TAGUS.join(''), DOURO.join('')]).toContain(textOf(b, poolSide));
      expect(doneOf(b, poolSide)!.message.model_id).toBeNull();
      expectNoNames('the stream', b.raw);
      const vote = await person.request('POST', `/v1/arena/battles/${startOf(b).battle_id}/vote`, { winner: poolSide });
      expect(vote.json()).toMatchObject({ status: 'voted', outcome: poolSide });
      expect(vote.json()[`model_${poolSide}`]).toMatchObject({ id: models.pool.id, name: 'Marmoset Oracle' });
    } finally {
      await setWeights({ A: 1, pool: 0 });
    }
  });

  it('closes the battle when a model fails: the other answer is kept, no vote is taken', async () => {
    fake.behave('quokka-a', { kind: 'status', status: 500 });
    const b = await post('/v1/arena/battles', { community_id: community.id, content: 'Which river runs through Seville?' });
    const sides = await sidesOf(b);
    const failed: ArenaSide = sides.a === 'A' ? 'a' : 'b';
    const fine: ArenaSide = failed === 'a' ? 'b' : 'a';
    const error = b.events.find((e) => e.type === 'error') as Extract<ArenaEvent, { type: 'error' }>;
    expect(error).toMatchObject({ side: failed, code: 'model_unavailable' });
    expect(doneOf(b, fine)).toBeDefined();
    expect(doneOf(b, failed)).toBeUndefined();
    expect(endOf(b)).toEqual({ type: 'end', status: 'invalid', invalid_reason: 'model_failed' });
    const { battle_id } = startOf(b);
    const battle = (await person.request('GET', `/v1/arena/battles/${battle_id}`)).json();
    expect(battle).toMatchObject({ status: 'invalid', invalid_reason: 'model_failed', turns: [{ [`answer_${failed}`]: null }] });
    expect(battle[`model_${failed}`].id).toBe(models.A.id);
    const vote = await person.request('POST', `/v1/arena/battles/${battle_id}/vote`, { winner: fine });
    expect({ status: vote.statusCode, code: vote.json().error.code }).toEqual({ status: 409, code: 'conflict' });
    expect(await db().selectFrom('feedback').select('id').where('conversation_id', '=', startOf(b).conversation_id).execute()).toEqual([]);
  });

  it('closes the battle as stopped when the person leaves mid-answer, and keeps no half answer', async () => {
    fake.behave('quokka-a', { kind: 'stream', tokens: Array.from({ length: 30 }, (_, i) => ` a${i}`), delayMs: 50 });
    fake.behave('quokka-b', { kind: 'stream', tokens: Array.from({ length: 30 }, (_, i) => ` b${i}`), delayMs: 50 });
    const b = await post('/v1/arena/battles', { community_id: community.id, content: 'Tell me a long story about rivers.' }, person, { stopAfterTokens: 3 });
    const { battle_id, conversation_id } = startOf(b);
    let row = await battleRow(battle_id);
    for (let i = 0; i < 50 && row.status === 'open'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      row = await battleRow(battle_id);
    }
    expect(row).toMatchObject({ status: 'invalid', invalid_reason: 'stopped' });
    expect(await db().selectFrom('messages').select('id').where('conversation_id', '=', conversation_id).where('role', '=', 'assistant').execute()).toEqual([]);
  });

  it('needs consent, a community with two models in the arena, and lets only the author play and vote', async () => {
    const count = async () => Promise.all((['conversations', 'messages', 'arena_battles', 'arena_turns', 'feedback'] as const).map(async (table) => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)));
    const before = await count();
    const unconsented = await signUp(t.app, { consent: false });
    const refused = await post('/v1/arena/battles', { community_id: community.id, content: 'Hello?' }, unconsented);
    expect({ status: refused.status, code: refused.json.error.code }).toEqual({ status: 403, code: 'consent_required' });
    const lonely = (await admin.request('POST', '/v1/communities', { slug: 'arena-lonely', name: 'Lonely', kind: 'domain' })).json();
    await admin.request('POST', '/v1/models', { slug: 'lonely-one', name: 'Lonely', community_id: lonely.id, base_url: fake.url, model_name: 'quokka-a' });
    const alone = await post('/v1/arena/battles', { community_id: lonely.id, content: 'Hello?' });
    expect({ status: alone.status, code: alone.json.error.code, field: alone.json.error.field }).toEqual({ status: 422, code: 'invalid_reference', field: 'community_id' });
    const nowhere = await post('/v1/arena/battles', { community_id: 'no-such-community', content: 'Hello?' });
    expect(nowhere.json.error.code).toBe('invalid_reference');
    expect(await count()).toEqual(before);

    const b = await post('/v1/arena/battles', { community_id: community.id, content: 'Which river runs through Lisbon?' });
    const { battle_id } = startOf(b);
    const other = await signUp(t.app);
    const reviewer = await signUp(t.app);
    await grantRoles(admin, reviewer, ['reviewer']);
    const afterBattle = await count();
    for (const [actor, status, code] of [
      [other, 404, 'not_found'],
      [reviewer, 403, 'forbidden'],
      [admin, 403, 'forbidden'],
    ] as const) {
      const vote = await actor.request('POST', `/v1/arena/battles/${battle_id}/vote`, { winner: 'a' });
      expect({ status: vote.statusCode, code: vote.json().error.code }).toEqual({ status, code });
      const turn = await post(`/v1/arena/battles/${battle_id}/turns`, { content: 'Mine now?' }, actor);
      expect({ status: turn.status, code: turn.json.error.code }).toEqual({ status, code });
    }
    expect((await other.request('GET', `/v1/arena/battles/${battle_id}`)).statusCode).toBe(404);
    expect(await count()).toEqual(afterBattle);
    // Withdrawn consent: no more turns, and no vote.
    const leaving = await signUp(t.app);
    const theirs = await post('/v1/arena/battles', { community_id: community.id, content: 'Which river runs through Lisbon?' }, leaving);
    expect((await leaving.request('DELETE', '/v1/consent')).statusCode).toBe(200);
    const late = await leaving.request('POST', `/v1/arena/battles/${startOf(theirs).battle_id}/vote`, { winner: 'a' });
    expect({ status: late.statusCode, code: late.json().error.code }).toEqual({ status: 403, code: 'consent_required' });
  });

  it('deletes the battle with its conversation', async () => {
    const b = await post('/v1/arena/battles', { community_id: community.id, content: 'Which river runs through Lisbon?' });
    const { battle_id, conversation_id } = startOf(b);
    expect((await person.request('DELETE', `/v1/conversations/${conversation_id}`)).statusCode).toBe(204);
    expect(await db().selectFrom('arena_battles').select('id').where('id', '=', battle_id).execute()).toEqual([]);
    expect(await db().selectFrom('arena_turns').select('battle_id').where('battle_id', '=', battle_id).execute()).toEqual([]);
    expect((await person.request('GET', `/v1/arena/battles/${battle_id}`)).statusCode).toBe(404);
  });
});
