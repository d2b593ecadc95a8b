import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES } from './support/databases.js';
import { actorFrom, createTestApp, grantRoles, signUp, signUpAdmin, startConversation, type Actor, type TestApp } from './support/test-app.js';

const count = async (t: TestApp, table: 'feedback' | 'conversations' | 'messages') =>
  Number((await t.ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe.each(TEST_DATABASES)('API journeys on $name', (database) => {
  let t: TestApp;
  let admin: Actor & { apiKey: string };

  beforeAll(async () => {
    t = await createTestApp(database);
    admin = await signUpAdmin(t);
  });
  afterAll(() => t.close());

  it('answers /health, serves the OpenAPI document and the docs page', async () => {
    expect((await t.app.inject('/health')).json()).toMatchObject({ status: 'ok', database: database.name });
    const spec = (await t.app.inject('/openapi.json')).json();
    expect(spec.openapi).toBe('3.1.0');
    for (const path of ['/v1/feedback', '/v1/conversations/{id}/messages', '/v1/ingest', '/v1/consent', '/v1/api-keys', '/v1/models/{id}/versions', '/v1/stats']) {
      expect(Object.keys(spec.paths), path).toContain(path);
    }
    const badRequest = spec.paths['/v1/feedback'].post.responses['400'].content['application/json'].schema;
    const errorSchema = badRequest.$ref === undefined ? badRequest : spec.components.schemas[badRequest.$ref.split('/').at(-1)];
    expect(Object.keys(errorSchema.properties.error.properties).sort()).toEqual(['code', 'field', 'message']);
    const docs = await t.app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('signs up, refuses a taken handle, signs in and out', async () => {
    const ana = await signUp(t.app, { consent: false, handle: `ana-${database.name}` });
    const again = await t.app.inject({ method: 'POST', url: '/v1/accounts', payload: { handle: ana.handle, password: 'another long password' } });
    expect(again.json().error).toMatchObject({ code: 'handle_taken', field: 'handle' });
    const wrong = await t.app.inject({ method: 'POST', url: '/v1/sessions', payload: { handle: ana.handle, password: 'not the password' } });
    expect(wrong.json().error.code).toBe('invalid_credentials');
    const me = await ana.request('GET', '/v1/me');
    expect(me.json()).toMatchObject({ handle: ana.handle, roles: ['contributor'], via: 'session' });
    expect(me.json()).not.toHaveProperty('password_hash');
    const out = await ana.request('DELETE', '/v1/sessions/current');
    expect(out.statusCode).toBe(204);
    expect((await ana.request('GET', '/v1/me')).statusCode).toBe(401);
  });

  it('keeps self-reported demographics optional and "prefer not to say" everywhere', async () => {
    const bo = await signUp(t.app, { consent: false });
    const res = await bo.request('PATCH', '/v1/me', { demographics: { age_range: 'prefer_not_to_say', country: 'prefer_not_to_say', languages: ['pt-BR'] }, expertise: [{ domain: 'medicine', level: 'professional' }] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().demographics).toEqual({ age_range: 'prefer_not_to_say', country: 'prefer_not_to_say', languages: ['pt-BR'] });
    const bad = await bo.request('PATCH', '/v1/me', { demographics: { ip_address: '10.0.0.1' } });
    expect(bad.json().error).toMatchObject({ code: 'validation_failed', field: 'demographics.ip_address' });
  });

  it('shows an API key once, stores only its hash, and refuses it from the moment it is revoked', async () => {
    const dev = await signUp(t.app);
    const created = await dev.request('POST', '/v1/api-keys', { name: 'my chat app', scopes: ['feedback:write', 'read'] });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json();
    expect(key).toMatch(/^ofk_/);
    const listed = await dev.request('GET', '/v1/api-keys');
    expect(JSON.stringify(listed.json())).not.toContain(key.split('_').at(-1));
    const stored = await t.ctx.store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(key.split('_').at(-1));
    const program = actorFrom(t.app, dev.id, dev.handle, { apiKey: key });
    expect((await program.request('GET', '/v1/me')).json().via).toBe('api_key');
    expect((await program.request('POST', '/v1/api-keys', { name: 'x', scopes: ['read'] })).json().error.code).toBe('forbidden');
    await dev.request('DELETE', `/v1/api-keys/${id}`);
    const after = await program.request('GET', '/v1/me');
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthenticated');
  });

  it('lets a trainer register a model and versions with provenance, for a community', async () => {
    const community = await admin.request('POST', '/v1/communities', { slug: `med-${database.name}`, name: 'Medicine', kind: 'domain', rubric: [{ id: 'accuracy', text: 'Is it accurate?' }] });
    expect(community.statusCode).toBe(201);
    expect(community.json().rubric[0]).toMatchObject({ min: 1, max: 5 });
    const trainer = await signUp(t.app);
    const denied = await trainer.request('POST', '/v1/models', { slug: 'm1', name: 'M', community_id: community.json().id, base_url: 'http://localhost:11434/v1', model_name: 'llama3' });
    expect(denied.json().error.code).toBe('forbidden');
    await grantRoles(admin, trainer, ['trainer']);
    const model = await trainer.request('POST', '/v1/models', {
      slug: `med-llama-${database.name}`,
      name: 'Med Llama',
      community_id: community.json().slug,
      base_url: 'http://localhost:11434/v1',
      model_name: 'llama3:8b',
      output_licences: ['CC-BY-4.0'],
    });
    expect(model.statusCode, model.body).toBe(201);
    expect(model.json()).toMatchObject({ owner_id: trainer.id, community_id: community.json().id });
    const badUrl = await trainer.request('POST', '/v1/models', { slug: 'm2', name: 'M', community_id: community.json().id, base_url: 'file:///etc/passwd', model_name: 'x' });
    expect(badUrl.json().error).toMatchObject({ code: 'validation_failed', field: 'base_url' });
    const v1 = await trainer.request('POST', `/v1/models/${model.json().id}/versions`, { version: '1.0', trained_on: ['openfeedback-2026.11'] });
    expect(v1.json()).toMatchObject({ version: '1.0', trained_on: ['openfeedback-2026.11'] });
    expect((await trainer.request('POST', `/v1/models/${model.json().id}/versions`, { version: '1.0' })).json().error.code).toBe('conflict');
    const versions = await t.app.inject(`/v1/models/${model.json().slug}/versions`);
    expect(versions.json().items.map((v: { version: string }) => v.version)).toEqual(['1.0']);
    const models = await t.app.inject(`/v1/models?community=${community.json().slug}`);
    expect(models.json().items).toHaveLength(1);

    const chat = await trainer.request('POST', '/v1/conversations', {
      community_id: community.json().id,
      messages: [
        { role: 'user', content: 'Is ibuprofen an NSAID?' },
        { role: 'assistant', content: 'Yes.', model_id: model.json().id, model_version_id: v1.json().id },
      ],
    });
    expect(chat.statusCode, chat.body).toBe(201);
    expect(chat.json().messages[1]).toMatchObject({ model_id: model.json().id, model_version_id: v1.json().id });
    // The model's feedback stream: its owner reads every event on its answers, whoever gave it.
    const user = await signUp(t.app);
    const used = await user.request('POST', '/v1/conversations', {
      community_id: community.json().id,
      messages: [{ role: 'user', content: 'Dose of paracetamol?' }, { role: 'assistant', content: 'Follow the label.', model_id: model.json().id }],
    });
    const vote = await user.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: used.json().id, message_id: used.json().messages[1].id, value: 'down' });
    expect(vote.json().model_id).toBe(model.json().id);
    const stream = await trainer.request('GET', `/v1/feedback?model_id=${model.json().id}`);
    expect(stream.json().items.map((f: { id: string }) => f.id)).toContain(vote.json().id);
    expect((await trainer.request('GET', `/v1/feedback/${vote.json().id}`)).statusCode).toBe(200);
    const rival = await signUp(t.app);
    await grantRoles(admin, rival, ['trainer']);
    expect((await rival.request('GET', `/v1/feedback?model_id=${model.json().id}`)).json().items).toEqual([]);
    expect((await rival.request('GET', `/v1/feedback/${vote.json().id}`)).statusCode).toBe(404);

    const wrongVersion = await trainer.request('POST', '/v1/conversations', { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a', model_version_id: v1.json().id }] });
    expect(wrongVersion.json().error).toMatchObject({ code: 'invalid_reference', field: 'messages[1].model_version_id' });
  });

  it('keeps regenerations and edits as siblings in the message tree', async () => {
    const eva = await signUp(t.app);
    const conv = await startConversation(eva);
    const [question, answer] = conv.messages;
    const regenerated = await eva.request('POST', `/v1/conversations/${conv.id}/messages`, { parent_id: question!.id, role: 'assistant', content: 'Lisbon.' });
    const edited = await eva.request('POST', `/v1/conversations/${conv.id}/messages`, { parent_id: null, role: 'user', content: 'What is the capital of Spain?' });
    const followUp = await eva.request('POST', `/v1/conversations/${conv.id}/messages`, { role: 'assistant', content: 'Madrid.' });
    expect(followUp.json().parent_id).toBe(edited.json().id);
    const tree = (await eva.request('GET', `/v1/conversations/${conv.id}`)).json();
    const children = (id: string | null) => tree.messages.filter((m: { parent_id: string | null }) => m.parent_id === id).map((m: { id: string }) => m.id).sort();
    expect(children(null)).toEqual([question!.id, edited.json().id].sort());
    expect(children(question!.id)).toEqual([answer!.id, regenerated.json().id].sort());
    const twoUsers = await eva.request('POST', `/v1/conversations/${conv.id}/messages`, { parent_id: question!.id, role: 'user', content: 'again' });
    expect(twoUsers.json().error).toMatchObject({ code: 'invalid_tree', field: 'parent_id' });
    const foreign = await eva.request('POST', `/v1/conversations/${conv.id}/messages`, { parent_id: 'somewhere-else', role: 'user', content: 'x' });
    expect(foreign.json().error).toMatchObject({ code: 'invalid_tree', field: 'parent_id' });
  });

  it('ingests NDJSON in bulk, reports bad lines by number, and adds nothing when the file is sent again', async () => {
    const app = await signUp(t.app);
    const key = (await app.request('POST', '/v1/api-keys', { name: 'importer', scopes: ['ingest', 'read'] })).json().key as string;
    const body = [
      JSON.stringify({ type: 'conversation', id: `nd-${database.name}-c1`, language: 'de', messages: [{ id: `nd-${database.name}-q`, role: 'user', content: 'Wie spät ist es?' }, { id: `nd-${database.name}-a`, role: 'assistant', content: 'Es ist drei Uhr.' }] }),
      JSON.stringify({ type: 'feedback', id: `nd-${database.name}-f1`, kind: 'thumbs', conversation_id: `nd-${database.name}-c1`, message_id: `nd-${database.name}-a`, value: 'up' }),
      '{"type":"feedback", broken json',
      JSON.stringify({ type: 'feedback', kind: 'rating', conversation_id: `nd-${database.name}-c1`, message_id: `nd-${database.name}-a`, score: 11 }),
      JSON.stringify({ type: 'feedback', kind: 'thumbs', conversation_id: 'nowhere', message_id: 'nothing', value: 'up' }),
      JSON.stringify({ type: 'mystery' }),
      '',
    ].join('\n');
    const send = () => t.app.inject({ method: 'POST', url: '/v1/ingest', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' }, payload: body });
    const first = (await send()).json();
    expect(first).toMatchObject({ conversations: 1, messages: 2, feedback: 1, duplicates: 0, rejected: 4 });
    expect(first.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [3, 'invalid_json'],
      [4, 'validation_failed'],
      [5, 'invalid_reference'],
      [6, 'validation_failed'],
    ]);
    const stored = (await app.request('GET', `/v1/feedback/nd-${database.name}-f1`)).json();
    expect(stored).toMatchObject({ kind: 'thumbs', language: 'de', licence: 'CC-BY-4.0' });
    const before = await count(t, 'feedback');
    const second = (await send()).json();
    expect(second).toMatchObject({ conversations: 0, feedback: 0, duplicates: 2, rejected: 4 });
    expect(await count(t, 'feedback')).toBe(before);
    // Someone else sending lines with ids that are mine: refused, not counted as their duplicates.
    const other = await signUp(t.app);
    const otherKey = (await other.request('POST', '/v1/api-keys', { name: 'importer', scopes: ['ingest'] })).json().key as string;
    const taken = await t.app.inject({ method: 'POST', url: '/v1/ingest', headers: { authorization: `Bearer ${otherKey}`, 'content-type': 'application/x-ndjson' }, payload: body.split('\n').slice(0, 2).join('\n') });
    expect(taken.json()).toMatchObject({ conversations: 0, feedback: 0, duplicates: 0, rejected: 2 });
    expect(taken.json().errors.map((e: { code: string; field: string }) => [e.code, e.field])).toEqual([['conflict', 'id'], ['invalid_reference', 'conversation_id']]);
    const wrongType = await t.app.inject({ method: 'POST', url: '/v1/ingest', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' }, payload: 'a,b' });
    expect(wrongType.json().error.code).toBe('unsupported_media_type');
  });

  it('withdrawal stops capture at once and marks everything the person gave as withdrawn', async () => {
    const fay = await signUp(t.app);
    const conv = await startConversation(fay);
    await fay.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: conv.id, message_id: conv.messages[1]!.id, value: 'up' });
    const withdrawn = await fay.request('DELETE', '/v1/consent');
    expect(withdrawn.json().withdrawn_at).not.toBeNull();
    const refused = await fay.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: conv.id, message_id: conv.messages[1]!.id, value: 'down' });
    expect(refused.json().error.code).toBe('consent_required');
    const statuses = await t.ctx.store.db.selectFrom('feedback').select('status').where('contributor_id', '=', fay.id).execute();
    expect(statuses.map((s) => s.status)).toEqual(['withdrawn']);
    const convStatus = await t.ctx.store.db.selectFrom('conversations').select('status').where('id', '=', conv.id).executeTakeFirstOrThrow();
    expect(convStatus.status).toBe('withdrawn');
    expect((await fay.request('GET', '/v1/feedback')).json().items).toEqual([]);
    const outdated = await fay.request('POST', '/v1/consent', { terms_version: '2020-01', adult_confirmed: true, licence: 'CC0-1.0', attribution: 'none' });
    expect(outdated.json().error).toMatchObject({ code: 'terms_outdated', field: 'terms_version' });
  });

  it('counts the pool in /v1/stats', async () => {
    const stats = (await t.app.inject('/v1/stats')).json();
    expect(stats.feedback).toBe(await (async () => Number((await t.ctx.store.db.selectFrom('feedback').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'active').executeTakeFirstOrThrow()).n))());
    expect(stats.feedback_by_kind.reduce((s: number, r: { count: number }) => s + r.count, 0)).toBe(stats.feedback);
    expect(stats.contributors).toBeGreaterThan(5);
  });
});

describe('limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(TEST_DATABASES[0]!, { rateLimitMax: 5, bodyLimitBytes: 4096 });
  });
  afterAll(() => t.close());

  it('rate-limits per account with 429 and the error shape', async () => {
    const gus = await signUp(t.app, { consent: false });
    const codes: number[] = [];
    for (let i = 0; i < 8; i++) codes.push((await gus.request('GET', '/v1/me')).statusCode);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThan(0);
    const limited = await gus.request('GET', '/v1/me');
    expect(limited.json().error.code).toBe('rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();
    const other = await signUp(t.app, { consent: false });
    expect((await other.request('GET', '/v1/me')).statusCode).toBe(200);
  });

  it('refuses bodies over the limit with 413', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/accounts', payload: { handle: 'big', password: 'x'.repeat(10_000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('body_too_large');
  });
});
