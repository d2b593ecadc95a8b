import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, ConfigSchema, createServiceContext, migrateToLatest, openStore, type ConfigInput, type ServiceContext } from '../../src/index.js';
import { createAdmin } from '../../src/services/admin-bootstrap.js';
import type { TestDatabase } from './databases.js';

export interface TestApp {
  app: FastifyInstance;
  ctx: ServiceContext;
  close(): Promise<void>;
}

/** The real API on a fresh real database, driven in-process through `app.inject()`. */
export async function createTestApp(database: TestDatabase, config: ConfigInput = {}, overrides: Parameters<typeof createServiceContext>[2] = {}): Promise<TestApp> {
  const { url, drop } = database.fresh();
  const store = await openStore(url);
  await migrateToLatest(store);
  const ctx = createServiceContext(store, ConfigSchema.parse({ db: url, logLevel: 'silent', rateLimitMax: 1_000_000, sqliteSynchronous: 'normal', ...config }), overrides);
  // The API alone: the built web app (when there is one) is the browser tests' business.
  const app = await buildApp(ctx, { logger: false, webAppDir: null });
  await app.ready();
  return {
    app,
    ctx,
    close: async () => {
      await app.close();
      await store.close();
      await drop();
    },
  };
}

/** A person using the API: their session cookie, and helpers that send it. */
export interface Actor {
  id: string;
  handle: string;
  cookie: string;
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

type InjectMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export function actorFrom(app: FastifyInstance, id: string, handle: string, auth: { cookie?: string; apiKey?: string }): Actor {
  const authHeaders: Record<string, string> = auth.apiKey !== undefined ? { authorization: `Bearer ${auth.apiKey}` } : auth.cookie !== undefined ? { cookie: auth.cookie } : {};
  return {
    id,
    handle,
    cookie: auth.cookie ?? '',
    request: (method, url, body, headers = {}) =>
      app.inject({
        method: method as InjectMethod,
        url,
        headers: { ...authHeaders, ...headers },
        ...(body !== undefined && { payload: body as object }),
      }),
  };
}

let handles = 0;

/** Signs a new person up (and, unless told otherwise, has them accept the consent terms). */
export async function signUp(app: FastifyInstance, options: { consent?: boolean; handle?: string } = {}): Promise<Actor> {
  const handle = options.handle ?? `person-${process.pid}-${++handles}`;
  const res = await app.inject({ method: 'POST', url: '/v1/accounts', payload: { handle, password: 'a long enough password' } });
  if (res.statusCode !== 201) throw new Error(`sign-up failed: ${res.statusCode} ${res.body}`);
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  const actor = actorFrom(app, res.json().id, handle, { cookie });
  if (options.consent !== false) {
    const c = await actor.request('POST', '/v1/consent', { terms_version: '2026-11', adult_confirmed: true, licence: 'CC-BY-4.0', attribution: 'pseudonym' });
    if (c.statusCode !== 201) throw new Error(`consent failed: ${c.statusCode} ${c.body}`);
  }
  return actor;
}

/** An admin (made the way `openfeedback admin create` does), signed in with a session. */
export async function signUpAdmin(test: TestApp): Promise<Actor & { apiKey: string }> {
  const handle = `admin-${process.pid}-${++handles}`;
  const { contributor, apiKey } = await createAdmin(test.ctx, handle, 'a long enough password');
  const res = await test.app.inject({ method: 'POST', url: '/v1/sessions', payload: { handle, password: 'a long enough password' } });
  const cookie = String(res.headers['set-cookie']).split(';')[0]!;
  const actor = actorFrom(test.app, contributor.id, handle, { cookie });
  const c = await actor.request('POST', '/v1/consent', { terms_version: '2026-11', adult_confirmed: true, licence: 'CC0-1.0', attribution: 'pseudonym' });
  if (c.statusCode !== 201) throw new Error(`consent failed: ${c.body}`);
  return { ...actor, apiKey: apiKey.key };
}

/** Grants roles through the admin API. */
export async function grantRoles(admin: Actor, who: Actor, roles: string[]): Promise<void> {
  const res = await admin.request('PUT', `/v1/admin/contributors/${who.id}/roles`, { roles });
  if (res.statusCode !== 200) throw new Error(`granting roles failed: ${res.body}`);
}

/** Creates a conversation `user → assistant` and returns it. */
export async function startConversation(actor: Actor, extra: Record<string, unknown> = {}) {
  const res = await actor.request('POST', '/v1/conversations', {
    messages: [
      { role: 'user', content: 'What is the capital of Portugal?' },
      { role: 'assistant', content: 'The capital of Portugal is Lisbon.' },
    ],
    ...extra,
  });
  if (res.statusCode !== 201) throw new Error(`conversation failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; messages: { id: string; role: string; parent_id: string | null; content: string }[] };
}
