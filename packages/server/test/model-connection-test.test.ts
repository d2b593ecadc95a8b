import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_TEST_DATABASE } from './support/databases.js';
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js';
import { createTestApp, signUp, signUpAdmin, type Actor, type TestApp } from './support/test-app.js';

/**
 * POST /v1/models/:id/test against real local endpoints: the fake OpenAI-compatible server, and a
 * scripted one that wants a key, hangs, or answers what an OpenAI-compatible API would not.
 * (SQLite only: nothing here depends on the database.)
 */
const KEY_ENV = 'OPENFEEDBACK_TEST_CONNECTION_KEY';
const SECRET = 'sk-test-connection-secret-1234';

let t: TestApp;
let fake: FakeOpenAi;
let scripted: Server;
let scriptedUrl: string;
const seenAuthorization: (string | undefined)[] = [];
let admin: Actor;
let trainer: Actor;
let community: string;
let models = 0;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  fake.behave('fluent', { kind: 'stream', tokens: ['hi'] });
  fake.behave('other-model', { kind: 'stream', tokens: ['hi'] });
  scripted = createServer((req: IncomingMessage, res: ServerResponse) => {
    seenAuthorization.push(req.headers.authorization);
    const [, mode] = (req.url ?? '').split('/'); // /<mode>/v1/models
    if (mode === 'hang') return; // never answers
    if (mode === 'html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>a web page</html>');
    if (mode === 'odd') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"models":["x"]}');
    if (mode === 'keyed') {
      if (req.headers.authorization !== `Bearer ${SECRET}`) return void res.writeHead(401).end('{"error":"bad key"}');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'keyed-model' }] }));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => scripted.listen(0, '127.0.0.1', resolve));
  scriptedUrl = `http://127.0.0.1:${(scripted.address() as AddressInfo).port}`;
  t = await createTestApp(SQLITE_TEST_DATABASE, { gatewayFirstTokenSeconds: 1 });
  admin = await signUpAdmin(t);
  trainer = await signUp(t.app);
  await admin.request('PUT', `/v1/admin/contributors/${trainer.id}/roles`, { roles: ['trainer'] });
  community = (await admin.request('POST', '/v1/communities', { slug: 'connections', name: 'Connections', kind: 'domain' })).json().id;
});

afterAll(async () => {
  delete process.env[KEY_ENV];
  scripted.closeAllConnections();
  await new Promise((resolve) => scripted.close(resolve));
  await fake.close();
  await t.close();
});

async function register(owner: Actor, base_url: string | null, model_name: string, api_key_env: string | null = null): Promise<string> {
  const res = await owner.request('POST', '/v1/models', { slug: `conn-${++models}`, name: `Model ${models}`, community_id: community, base_url, model_name, api_key_env });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const test = async (actor: Actor, id: string) => {
  const res = await actor.request('POST', `/v1/models/${id}/test`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { ok: boolean; latency_ms: number; models?: string[]; model_listed?: boolean; error?: string };
};

describe('model connection test', () => {
  it('lists the models a working OpenAI-compatible endpoint serves, and whether the model is among them', async () => {
    const id = await register(trainer, fake.url, 'fluent');
    const result = await test(trainer, id);
    expect(result).toMatchObject({ ok: true, model_listed: true });
    expect(result.models).toEqual(expect.arrayContaining(['fluent', 'other-model']));
    expect(result.latency_ms).toBeGreaterThanOrEqual(0);
    expect(result.latency_ms).toBeLessThan(1000);
    expect(result.error).toBeUndefined();
    // A model name the endpoint does not serve: the endpoint works, the chat would not.
    expect(await test(trainer, await register(trainer, fake.url, 'missing'))).toMatchObject({ ok: true, model_listed: false });
    // A trailing slash on the base URL is fine.
    expect(await test(trainer, await register(trainer, `${fake.url}/`, 'fluent'))).toMatchObject({ ok: true });
  });

  it('sends the key from the environment variable the model names, and never shows it', async () => {
    const id = await register(trainer, `${scriptedUrl}/keyed/v1`, 'keyed-model', KEY_ENV);
    delete process.env[KEY_ENV];
    const calls = seenAuthorization.length;
    const unset = await test(trainer, id);
    expect(unset).toMatchObject({ ok: false, latency_ms: 0 });
    expect(unset.error).toContain(KEY_ENV);
    expect(seenAuthorization.length).toBe(calls); // not even called
    process.env[KEY_ENV] = 'sk-wrong';
    const wrong = await test(trainer, id);
    expect(wrong).toMatchObject({ ok: false });
    expect(wrong.error).toMatch(/401.*key/);
    process.env[KEY_ENV] = SECRET;
    const res = await trainer.request('POST', `/v1/models/${id}/test`);
    expect(res.json()).toMatchObject({ ok: true, models: ['keyed-model'], model_listed: true });
    expect(res.body).not.toContain(SECRET);
    expect(seenAuthorization.at(-1)).toBe(`Bearer ${SECRET}`);
  });

  it('says what is wrong when the endpoint is down, slow, or not OpenAI-compatible', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await test(trainer, await register(trainer, `http://127.0.0.1:${port}/v1`, 'm'));
    expect(refused).toMatchObject({ ok: false });
    expect(refused.error).toMatch(/refused/);

    const started = Date.now();
    const slow = await test(trainer, await register(trainer, `${scriptedUrl}/hang/v1`, 'm'));
    expect(slow).toMatchObject({ ok: false, error: 'no answer within 1 s' });
    expect(slow.latency_ms).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(3000); // the configured first-token limit, 1 s here

    expect((await test(trainer, await register(trainer, `${scriptedUrl}/html/v1`, 'm'))).error).toMatch(/JSON/);
    expect((await test(trainer, await register(trainer, `${scriptedUrl}/odd/v1`, 'm'))).error).toMatch(/model list/);
    expect((await test(trainer, await register(trainer, `${scriptedUrl}/nothing/v1`, 'm'))).error).toMatch(/404.*base URL/);
  });

  it('passes the built-in pool model without calling anything', async () => {
    const id = await register(admin, null, 'pool');
    expect(await test(admin, id)).toEqual({ ok: true, latency_ms: 0, models: ['pool'], model_listed: true });
  });

  it("is for the model's owner and admins", async () => {
    const id = await register(trainer, fake.url, 'fluent');
    expect((await test(admin, id)).ok).toBe(true);
    const otherTrainer = await signUp(t.app);
    await admin.request('PUT', `/v1/admin/contributors/${otherTrainer.id}/roles`, { roles: ['trainer'] });
    for (const [actor, status] of [
      [otherTrainer, 403],
      [await signUp(t.app), 403],
    ] as const) {
      expect((await actor.request('POST', `/v1/models/${id}/test`)).statusCode).toBe(status);
    }
    expect((await t.app.inject({ method: 'POST', url: `/v1/models/${id}/test` })).statusCode).toBe(401);
    expect((await admin.request('POST', '/v1/models/no-such-model/test')).statusCode).toBe(404);
  });
});
