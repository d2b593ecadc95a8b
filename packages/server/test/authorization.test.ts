/*
 * Who may do what: every HTTP route the app serves × every kind of caller, in one table.
 *
 * The rule under test: nobody reads or changes what is not theirs. Each (route, caller) pair is a
 * test that sends one real request and checks the status and error code. Every refused request
 * also checks that the database did not change at all (every table, every row). Every accepted
 * request checks that it acted for the caller and on the right thing.
 *
 * The first test reads the app's route list. If the app serves a route this table does not cover,
 * that test fails: a new route must be added here with a decision for every caller.
 *
 * Cases marked `bug:` are authorisation faults found in src. Each one states the correct answer and
 * runs as `it.fails`, so it passes while the fault is there. Once src is fixed the case fails:
 * remove its `bug:` then. `AUTHZ_SHOW_BUGS=1 npx vitest run <this file>` runs them as plain tests, to see
 * what src answers today.
 *
 * SQLite only (the checks are about the service rules, which are the same on both databases).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR } from '../src/services/principal.js';
import { getRelease, startRelease } from '../src/services/releases.js';
import { SQLITE_TEST_DATABASE } from './support/databases.js';
import { actorFrom, createTestApp, grantRoles, signUp, signUpAdmin, startConversation, type Actor, type TestApp } from './support/test-app.js';

const PASSWORD = 'a long enough password'; // what the signUp helpers use
const CONSENT = { terms_version: '2026-11', adult_confirmed: true, licence: 'CC-BY-4.0', attribution: 'pseudonym' };

/** Everyone who can knock on the door. Keys are held by the person named first in their name. */
const CALLERS = [
  'anonymous', // no cookie, no key
  'owner', // a contributor (session): owns the conversation, feedback and API keys under test
  'other', // another contributor (session)
  'reviewer', // reviewer role: reads the whole pool
  'moderator', // moderator role: reads the whole pool, deletes others' feedback
  'trainer', // trainer role: owns the model under test
  'otherTrainer', // trainer role, not the model's owner
  'admin', // every role (made like `openfeedback admin create`)
  'ownerReadKey', // the owner's API key with scopes [read]
  'ownerWriteKey', // the owner's API key with scopes [conversations:write, feedback:write, ingest]: no read
  'trainerKey', // the trainer's API key with scopes [read, models:write]
  'adminKey', // the admin's all-scopes key
  'revokedKey', // an owner's key with every contributor scope, revoked
] as const;
type Caller = (typeof CALLERS)[number];

const SESSION_CALLERS: readonly Caller[] = ['owner', 'other', 'reviewer', 'moderator', 'trainer', 'otherTrainer', 'admin'];
const KEY_CALLERS: readonly Caller[] = ['ownerReadKey', 'ownerWriteKey', 'trainerKey', 'adminKey'];
/** Callers that read every conversation and feedback event (reviewer, moderator, admin; keys with `read`). */
const POOL_READERS: readonly Caller[] = ['reviewer', 'moderator', 'admin', 'adminKey'];

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What one caller should get from one route. */
interface Outcome {
  status: number;
  /** The error code; by default the one that goes with the status (401 unauthenticated, 403 forbidden, 404 not_found). */
  code?: string;
  /** A known authorisation fault in src: `status`/`code` are the correct answer, and the case runs as `it.fails`. */
  bug?: string;
}

interface Req {
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sends as this actor instead of the caller's usual credentials (e.g. a second session of the same person). */
  actor?: Actor;
}

interface VerifyArgs {
  res: LightMyRequestResponse;
  caller: Caller;
  /** The person the caller acts as (a key's holder); null for anonymous. */
  who: Person | null;
  req: Req;
  before: Snapshot;
}

interface RouteSpec {
  /** `METHOD /path` exactly as the app registers it. */
  route: string;
  /** Builds the request for one caller. May create fresh targets first (they exist before the snapshot is taken). */
  request(caller: Caller): Req | Promise<Req>;
  expect: Record<Caller, number | Outcome>;
  /** Checks an accepted request did the right thing, for the right person. */
  verify?(args: VerifyArgs): void | Promise<void>;
}

interface Person extends Actor {
  password: string;
}

interface World {
  t: TestApp;
  person: Record<'owner' | 'other' | 'reviewer' | 'moderator' | 'trainer' | 'otherTrainer' | 'admin' | 'target', Person>;
  callers: Record<Caller, Actor>;
  keyIds: { ownerRead: string; ownerWrite: string; trainer: string; revoked: string };
  community: { id: string; slug: string };
  model: { id: string; slug: string };
  ownerConv: { id: string; question: string; answer: string };
  ownerFeedback: string;
  otherConv: string;
  /** A local OpenID Connect provider the app is configured with (sign-in routes). */
  provider: OAuth2Server;
}

// ---------------------------------------------------------------------------------------------
// The database, whole: refused requests must leave every row of every table as it was.

type Snapshot = Record<string, Record<string, unknown>[]>;

async function snapshot(t: TestApp): Promise<Snapshot> {
  const db = t.ctx.store.db;
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  const out: Snapshot = {};
  for (const { name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    out[name] = rows.rows.map((r) => ({ ...r })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

/** The rows of a table that do not belong to `contributorId` (by the column that names the person). */
function rowsNotOf(s: Snapshot, table: string, column: string, contributorId: string) {
  return (s[table] ?? []).filter((r) => r[column] !== contributorId);
}

// ---------------------------------------------------------------------------------------------
// The routes the app serves, read from the app itself.

/**
 * Every `METHOD /path` the app serves, parsed from `printRoutes()`, which lists each node of the router
 * tree with the part of the path it adds (nodes without methods only join their children's paths). HEAD routes are left out: Fastify
 * makes one for every GET, and they answer exactly as the GET does (checked by the caller).
 */
function servedRoutes(app: FastifyInstance): { routes: string[]; heads: string[] } {
  const stack: string[] = [];
  const routes: string[] = [];
  const heads: string[] = [];
  for (const line of app.printRoutes().split('\n')) {
    if (line.trim() === '') continue;
    const m = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (m === null) throw new Error(`unexpected printRoutes line: ${JSON.stringify(line)}`);
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack.push(path);
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      (method === 'HEAD' ? heads : routes).push(`${method} ${path}`);
    }
  }
  return { routes, heads };
}

// ---------------------------------------------------------------------------------------------
// The world the table runs in.

let counter = 0;
const fresh = (prefix: string) => `${prefix}-${process.pid}-${++counter}`;

const person = (actor: Actor): Person => ({ ...actor, password: PASSWORD });

async function createKey(holder: Actor, scopes: string[]): Promise<{ id: string; key: string }> {
  const res = await holder.request('POST', '/v1/api-keys', { name: fresh('key'), scopes });
  if (res.statusCode !== 201) throw new Error(`key creation failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function json<T = any>(res: LightMyRequestResponse, status: number): Promise<T> {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  return res.json() as T;
}

async function buildWorld(): Promise<World> {
  const provider = new OAuth2Server();
  await provider.issuer.keys.generate('RS256');
  await provider.start(0, '127.0.0.1');
  const t = await createTestApp(SQLITE_TEST_DATABASE, { oidcIssuer: provider.issuer.url!, oidcClientId: 'authz-test', releasesDir: mkdtempSync(join(tmpdir(), 'authz-releases-')) });
  const app = t.app;
  const adminActor = await signUpAdmin(t);
  const admin = person(adminActor);
  const owner = person(await signUp(app));
  const other = person(await signUp(app));
  const reviewer = person(await signUp(app));
  const moderator = person(await signUp(app));
  const trainer = person(await signUp(app));
  const otherTrainer = person(await signUp(app));
  const target = person(await signUp(app));
  await grantRoles(admin, reviewer, ['reviewer']);
  await grantRoles(admin, moderator, ['moderator']);
  await grantRoles(admin, trainer, ['trainer']);
  await grantRoles(admin, otherTrainer, ['trainer']);

  const ownerRead = await createKey(owner, ['read']);
  const ownerWrite = await createKey(owner, ['conversations:write', 'feedback:write', 'ingest']);
  const trainerKey = await createKey(trainer, ['read', 'models:write']);
  const revoked = await createKey(owner, ['read', 'conversations:write', 'feedback:write', 'ingest']);
  await json(await owner.request('DELETE', `/v1/api-keys/${revoked.id}`), 200);

  const community = await json(
    await admin.request('POST', '/v1/communities', { slug: fresh('community'), name: 'Português', kind: 'language', languages: ['pt'] }),
    201,
  );
  const model = await json(
    await trainer.request('POST', '/v1/models', { slug: fresh('model'), name: 'Model', community_id: community.id, base_url: 'http://localhost:11434/v1', model_name: 'm' }),
    201,
  );
  const conv = await startConversation(owner, { community_id: community.id });
  const feedback = await json(await owner.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: conv.id, message_id: conv.messages[1]!.id, value: 'up' }), 201);
  const otherConv = await startConversation(other);

  const keyActor = (holder: Person, key: string) => actorFrom(app, holder.id, holder.handle, { apiKey: key });
  return {
    t,
    person: { owner, other, reviewer, moderator, trainer, otherTrainer, admin, target },
    callers: {
      anonymous: actorFrom(app, '', 'anonymous', {}),
      owner,
      other,
      reviewer,
      moderator,
      trainer,
      otherTrainer,
      admin,
      ownerReadKey: keyActor(owner, ownerRead.key),
      ownerWriteKey: keyActor(owner, ownerWrite.key),
      trainerKey: keyActor(trainer, trainerKey.key),
      adminKey: keyActor(admin, adminActor.apiKey),
      revokedKey: keyActor(owner, revoked.key),
    },
    keyIds: { ownerRead: ownerRead.id, ownerWrite: ownerWrite.id, trainer: trainerKey.id, revoked: revoked.id },
    community: { id: community.id, slug: community.slug },
    model: { id: model.id, slug: model.slug },
    ownerConv: { id: conv.id, question: conv.messages[0]!.id, answer: conv.messages[1]!.id },
    ownerFeedback: feedback.id,
    otherConv: otherConv.id,
    provider,
  };
}

let w: World;

/** The person a caller acts as. */
function whoIs(caller: Caller): Person | null {
  switch (caller) {
    case 'anonymous':
      return null;
    case 'ownerReadKey':
    case 'ownerWriteKey':
    case 'revokedKey':
      return w.person.owner;
    case 'trainerKey':
      return w.person.trainer;
    case 'adminKey':
      return w.person.admin;
    default:
      return w.person[caller];
  }
}

// ---------------------------------------------------------------------------------------------
// Shorthands for the table.

/** Every caller gets `status`, except a revoked key: bad credentials are refused even on public routes. */
function everyone(status: number | Outcome): Record<Caller, number | Outcome> {
  const all = Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number | Outcome>;
  return { ...all, revokedKey: 401 };
}

/**
 * Read like a private contribution: its author (by session or a key with the `read` scope) and the
 * pool's readers (reviewers, moderators, admins); anyone else is told it does not exist.
 */
const PRIVATE_READ: Record<Caller, number> = {
  anonymous: 401,
  owner: 200,
  other: 404,
  reviewer: 200,
  moderator: 200,
  trainer: 404,
  otherTrainer: 404,
  admin: 200,
  ownerReadKey: 200,
  ownerWriteKey: 403, // no `read` scope
  trainerKey: 404,
  adminKey: 200,
  revokedKey: 401,
};

/** Sessions only: every signed-in person may, no API key may (even the admin's all-scopes key). */
function sessionsOnly(status: number): Record<Caller, number> {
  const out = Object.fromEntries(CALLERS.map((c) => [c, SESSION_CALLERS.includes(c) ? status : 403])) as Record<Caller, number>;
  return { ...out, anonymous: 401, revokedKey: 401 };
}

/** Admins only (a session with the admin role, or a key with the `admin` scope). */
function adminsOnly(status: number): Record<Caller, number> {
  const out = Object.fromEntries(CALLERS.map((c) => [c, 403])) as Record<Caller, number>;
  return { ...out, anonymous: 401, revokedKey: 401, admin: status, adminKey: status };
}

const WRONG_CALLER = 'must never act for another person';

async function expectWhoAmI(actor: Actor, expectedId: string | null) {
  const me = await actor.request('GET', '/v1/me');
  if (expectedId === null) expect(me.statusCode).toBe(401);
  else expect({ status: me.statusCode, id: me.json().id }).toEqual({ status: 200, id: expectedId });
}

/** The owner's conversation listing / feedback listing: what a caller may see of it. */
function verifyListing(kind: 'conversations' | 'feedback') {
  return async ({ res, caller, who }: VerifyArgs) => {
    const items = res.json().items as { id: string; contributor_id: string }[];
    const target = kind === 'conversations' ? w.ownerConv.id : w.ownerFeedback;
    if (POOL_READERS.includes(caller)) {
      // Reviewers read the pool: the owner's item is there, and the filter by author is honoured.
      expect(items.map((i) => i.id)).toContain(target);
      expect(new Set(items.map((i) => i.contributor_id))).toEqual(new Set([w.person.owner.id]));
    } else {
      // Everyone else sees only their own, whatever author they ask for.
      expect(items.every((i) => i.contributor_id === who!.id), WRONG_CALLER).toBe(true);
      expect(items.some((i) => i.id === target)).toBe(who!.id === w.person.owner.id);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// The table: every route × every caller.

const ROUTES: RouteSpec[] = [
  // --- meta and documentation: public, read-only -------------------------------------------
  { route: 'GET /', request: () => ({ url: '/' }), expect: everyone(302) },
  { route: 'GET /docs', request: () => ({ url: '/docs' }), expect: everyone(200) },
  { route: 'GET /docs/', request: () => ({ url: '/docs/' }), expect: everyone(200) },
  { route: 'GET /docs/static/index.html', request: () => ({ url: '/docs/static/index.html' }), expect: everyone(302) },
  { route: 'GET /docs/static/swagger-initializer.js', request: () => ({ url: '/docs/static/swagger-initializer.js' }), expect: everyone(200) },
  { route: 'GET /docs/static/*', request: () => ({ url: '/docs/static/swagger-ui.css' }), expect: everyone(200) },
  { route: 'GET /docs/json', request: () => ({ url: '/docs/json' }), expect: everyone(200) },
  { route: 'GET /docs/yaml', request: () => ({ url: '/docs/yaml' }), expect: everyone(200) },
  { route: 'GET /openapi.json', request: () => ({ url: '/openapi.json' }), expect: everyone(200) },
  { route: 'GET /health', request: () => ({ url: '/health' }), expect: everyone(200) },
  {
    route: 'GET /v1/stats',
    request: () => ({ url: '/v1/stats' }),
    expect: everyone(200),
    // Public numbers only: nothing that names a person.
    verify: ({ res }) => expect(res.body).not.toContain(w.person.owner.id),
  },
  {
    route: 'GET /v1/leaderboard',
    request: () => ({ url: '/v1/leaderboard?bootstrap=10' }),
    // Public like /v1/stats: figures about models, nothing that names a person.
    expect: everyone(200),
    verify: ({ res }) => {
      expect(res.json()).toMatchObject({ community: null, category: 'overall', rows: expect.any(Array) });
      expect(res.body).not.toContain(w.person.owner.id);
    },
  },
  {
    route: 'GET /v1/agreement',
    request: () => ({ url: `/v1/agreement?community=${w.community.slug}` }),
    // How people rate, measured over everyone's judgements: for those who review the pool.
    expect: { ...adminsOnly(200), reviewer: 200, moderator: 200 },
    verify: ({ res }) => expect(res.json()).toMatchObject({ community: { id: w.community.id }, figures: expect.arrayContaining([expect.objectContaining({ subject: 'thumbs' })]) }),
  },

  // --- accounts and sessions -----------------------------------------------------------------
  {
    route: 'POST /v1/accounts',
    request: () => ({ url: '/v1/accounts', body: { handle: fresh('signup'), password: PASSWORD } }),
    expect: everyone(201),
    verify: async ({ res, req }) => {
      // A new account is a plain contributor, whoever made the request.
      expect(res.json()).toMatchObject({ handle: (req.body as { handle: string }).handle, roles: ['contributor'] });
    },
  },
  {
    route: 'POST /v1/sessions',
    // Being signed in (even as admin) does not let anyone into another account without its password.
    request: () => ({ url: '/v1/sessions', body: { handle: w.person.owner.handle, password: 'not the password at all' } }),
    expect: everyone({ status: 401, code: 'invalid_credentials' }),
  },
  {
    route: 'DELETE /v1/sessions/current',
    // People sign out a second session of theirs, so that their usual one stays usable.
    request: async (caller) => {
      if (!SESSION_CALLERS.includes(caller)) return { url: '/v1/sessions/current' };
      const p = whoIs(caller)!;
      const res = await w.t.app.inject({ method: 'POST', url: '/v1/sessions', payload: { handle: p.handle, password: p.password } });
      const cookie = String(res.headers['set-cookie']).split(';')[0]!;
      return { url: '/v1/sessions/current', actor: actorFrom(w.t.app, p.id, p.handle, { cookie }) };
    },
    expect: everyone(204),
    verify: async ({ caller, req, before }) => {
      if (req.actor !== undefined) {
        await expectWhoAmI(req.actor, null); // that session is over
        await expectWhoAmI(w.callers[caller], whoIs(caller)!.id); // the other one is not
      } else {
        expect(await snapshot(w.t)).toEqual(before); // no session to end: nothing changes
        if (caller !== 'anonymous') await expectWhoAmI(w.callers[caller], whoIs(caller)!.id);
      }
    },
  },
  {
    route: 'GET /v1/me',
    request: () => ({ url: '/v1/me' }),
    // "Who am I" answers any valid key, whatever its scopes: it is how a program checks its key works.
    expect: { ...everyone(200), anonymous: 401 },
    verify: ({ res, caller, who }) => {
      expect(res.json()).toMatchObject({ id: who!.id, via: KEY_CALLERS.includes(caller) ? 'api_key' : 'session' });
    },
  },
  { route: 'GET /v1/auth/providers', request: () => ({ url: '/v1/auth/providers' }), expect: everyone(200), verify: ({ res }) => expect(res.json()).toEqual({ oidc: { enabled: true, name: 'Hugging Face' } }) },
  {
    route: 'GET /v1/auth/oidc/start',
    // Anyone may go and sign in with the provider: a redirect there, and nothing stored (the flow waits in a cookie).
    request: () => ({ url: '/v1/auth/oidc/start?return_to=/rate' }),
    expect: everyone(302),
    verify: async ({ res, before }) => {
      expect(String(res.headers.location)).toMatch(new RegExp(`^${w.provider.issuer.url!}/authorize\\?`));
      expect(String(res.headers['set-cookie'])).toMatch(/^of_oidc=/);
      expect(await snapshot(w.t)).toEqual(before);
    },
  },
  {
    route: 'GET /v1/auth/oidc/callback',
    // A callback this browser did not start (no flow cookie): back to the app with an error, nobody signed in, nothing stored.
    request: () => ({ url: '/v1/auth/oidc/callback?code=stolen-code&state=guessed-state' }),
    expect: everyone(303),
    verify: async ({ res, before }) => {
      expect(res.headers.location).toBe('/?sign_in_error=sign_in_failed');
      expect(String(res.headers['set-cookie'] ?? '')).not.toContain('of_session=');
      expect(await snapshot(w.t)).toEqual(before);
    },
  },
  {
    route: 'PATCH /v1/me',
    request: (caller) => ({ url: '/v1/me', body: { display_name: `renamed by ${caller}`, demographics: { country: 'PT' } } }),
    // The profile is the person's to change, in a session: no API key may, not even an admin's.
    expect: { ...sessionsOnly(200) },
    verify: async ({ res, caller, who, before }) => {
      expect(res.json()).toMatchObject({ id: who!.id, display_name: `renamed by ${caller}` });
      const after = await snapshot(w.t);
      expect(rowsNotOf(after, 'contributors', 'id', who!.id)).toEqual(rowsNotOf(before, 'contributors', 'id', who!.id));
    },
  },
  {
    route: 'GET /v1/admin/contributors',
    request: () => ({ url: '/v1/admin/contributors?limit=500' }),
    expect: adminsOnly(200),
    verify: ({ res }) => expect(res.json().items.map((c: { id: string }) => c.id)).toContain(w.person.owner.id),
  },
  {
    route: 'PUT /v1/admin/contributors/:id/roles',
    // Admins change someone's roles; everyone else tries to make themselves admin.
    request: (caller) =>
      caller === 'admin' || caller === 'adminKey'
        ? { url: `/v1/admin/contributors/${w.person.target.id}/roles`, body: { roles: ['reviewer'] } }
        : { url: `/v1/admin/contributors/${(whoIs(caller) ?? w.person.owner).id}/roles`, body: { roles: ['contributor', 'admin'] } },
    expect: adminsOnly(200),
    verify: async ({ res }) => {
      expect(res.json()).toMatchObject({ id: w.person.target.id, roles: ['contributor', 'reviewer'] });
      const row = await w.t.ctx.store.db.selectFrom('contributors').select('roles').where('id', '=', w.person.target.id).executeTakeFirstOrThrow();
      expect(JSON.parse(row.roles)).toEqual(['contributor', 'reviewer']);
    },
  },

  // --- API keys --------------------------------------------------------------------------------
  {
    route: 'POST /v1/api-keys',
    // A leaked key must not mint more keys: only sessions make keys.
    request: () => ({ url: '/v1/api-keys', body: { name: fresh('key'), scopes: ['read'] } }),
    expect: sessionsOnly(201),
    verify: async ({ res, who }) => {
      const row = await w.t.ctx.store.db.selectFrom('api_keys').select('contributor_id').where('id', '=', res.json().id).executeTakeFirstOrThrow();
      expect(row.contributor_id).toBe(who!.id);
      await expectWhoAmI(actorFrom(w.t.app, '', '', { apiKey: res.json().key }), who!.id);
    },
  },
  {
    route: 'GET /v1/api-keys',
    request: () => ({ url: '/v1/api-keys' }),
    expect: { ...everyone(200), anonymous: 401, ownerWriteKey: 403 },
    verify: async ({ res, who }) => {
      const ids = (res.json().items as { id: string }[]).map((k) => k.id);
      const rows = await w.t.ctx.store.db.selectFrom('api_keys').select(['id', 'contributor_id']).where('contributor_id', '=', who!.id).execute();
      expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.id))); // all of mine, none of anyone else's
      expect(ids.includes(w.keyIds.ownerRead)).toBe(who!.id === w.person.owner.id);
      expect(res.body).not.toContain('secret');
    },
  },
  {
    route: 'DELETE /v1/api-keys/:id',
    // The target: a fresh key of the owner's each time (another key than the one calling).
    request: async () => ({ url: `/v1/api-keys/${(await createKey(w.person.owner, ['read'])).id}` }),
    expect: {
      anonymous: 401,
      owner: 200,
      other: 404,
      reviewer: 404,
      moderator: 404,
      trainer: 404,
      otherTrainer: 404,
      admin: 200, // admins revoke any key (e.g. a leaked one)
      ownerReadKey: 403, // a key may revoke itself, not its holder's other keys
      ownerWriteKey: 403,
      trainerKey: 403, // a key revokes only itself, unless it has the admin scope
      adminKey: 200,
      revokedKey: 401,
    },
    verify: async ({ req }) => {
      const id = req.url.split('/').at(-1)!;
      const row = await w.t.ctx.store.db.selectFrom('api_keys').select('revoked_at').where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.revoked_at).not.toBeNull();
    },
  },

  // --- consent -----------------------------------------------------------------------------------
  { route: 'GET /v1/consent/terms', request: () => ({ url: '/v1/consent/terms' }), expect: everyone(200) },
  {
    route: 'GET /v1/consent',
    request: () => ({ url: '/v1/consent' }),
    expect: { ...everyone(200), anonymous: 401, ownerWriteKey: 403 },
    verify: ({ res, who }) => expect(res.json().contributor_id).toBe(who!.id),
  },
  {
    route: 'POST /v1/consent',
    // Consent is given by the person, never by a program holding a key.
    request: () => ({ url: '/v1/consent', body: CONSENT }),
    expect: sessionsOnly(201),
    verify: async ({ res, who }) => {
      expect(res.json()).toMatchObject({ contributor_id: who!.id, withdrawn_at: null });
      const rows = await w.t.ctx.store.db.selectFrom('consents').select('contributor_id').where('id', '=', res.json().id).execute();
      expect(rows).toEqual([{ contributor_id: who!.id }]);
    },
  },

  // --- communities -------------------------------------------------------------------------------
  { route: 'GET /v1/communities', request: () => ({ url: '/v1/communities' }), expect: everyone(200) },
  { route: 'GET /v1/communities/:id', request: () => ({ url: `/v1/communities/${w.community.slug}` }), expect: everyone(200) },
  {
    route: 'POST /v1/communities',
    request: () => ({ url: '/v1/communities', body: { slug: fresh('community'), name: 'New', kind: 'domain' } }),
    expect: adminsOnly(201),
    verify: async ({ res }) => expect((await w.t.app.inject({ url: `/v1/communities/${res.json().id}` })).statusCode).toBe(200),
  },
  {
    route: 'PATCH /v1/communities/:id',
    request: (caller) => ({ url: `/v1/communities/${w.community.id}`, body: { description: `changed by ${caller}` } }),
    expect: adminsOnly(200),
    verify: async ({ caller }) => {
      const row = await w.t.ctx.store.db.selectFrom('communities').select('description').where('id', '=', w.community.id).executeTakeFirstOrThrow();
      expect(row.description).toBe(`changed by ${caller}`);
    },
  },

  // --- models ------------------------------------------------------------------------------------
  { route: 'GET /v1/models', request: () => ({ url: '/v1/models' }), expect: everyone(200) },
  { route: 'GET /v1/models/:id', request: () => ({ url: `/v1/models/${w.model.slug}` }), expect: everyone(200) },
  { route: 'GET /v1/models/:id/versions', request: () => ({ url: `/v1/models/${w.model.id}/versions` }), expect: everyone(200) },
  {
    route: 'POST /v1/models',
    // Trainers and admins register models (a key needs `models:write`); the caller becomes the owner.
    request: () => ({
      url: '/v1/models',
      body: { slug: fresh('model'), name: 'M', community_id: w.community.id, base_url: 'http://localhost:8000/v1', model_name: 'm' },
    }),
    expect: { ...adminsOnly(201), trainer: 201, otherTrainer: 201, trainerKey: 201 },
    verify: ({ res, who }) => expect(res.json().owner_id).toBe(who!.id),
  },
  {
    route: 'PATCH /v1/models/:id',
    // Only the model's owner (the trainer) or an admin.
    request: (caller) => ({ url: `/v1/models/${w.model.id}`, body: { name: `renamed by ${caller}` } }),
    expect: { ...adminsOnly(200), trainer: 200, trainerKey: 200 },
    verify: async ({ caller }) => {
      const row = await w.t.ctx.store.db.selectFrom('models').select(['name', 'owner_id']).where('id', '=', w.model.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ name: `renamed by ${caller}`, owner_id: w.person.trainer.id });
    },
  },
  {
    route: 'POST /v1/models/:id/test',
    // Calls the endpoint with the server's key for it: the owner's and admins' business. Nothing is stored.
    request: () => ({ url: `/v1/models/${w.model.id}/test` }),
    expect: { ...adminsOnly(200), trainer: 200, trainerKey: 200 },
    verify: async ({ res, before }) => {
      expect(res.json()).toMatchObject({ ok: false }); // nothing listens at the world's model endpoint
      expect(typeof res.json().error).toBe('string');
      expect(await snapshot(w.t)).toEqual(before);
    },
  },
  {
    route: 'POST /v1/models/:id/versions',
    request: () => ({ url: `/v1/models/${w.model.slug}/versions`, body: { version: fresh('v1') } }),
    expect: { ...adminsOnly(201), trainer: 201, trainerKey: 201 },
    verify: ({ res, req }) => expect(res.json()).toMatchObject({ model_id: w.model.id, version: (req.body as { version: string }).version }),
  },

  // --- conversations -----------------------------------------------------------------------------
  {
    route: 'POST /v1/conversations',
    request: () => ({ url: '/v1/conversations', body: { messages: [{ role: 'user', content: 'Hello?' }] } }),
    expect: { ...sessionsOnly(201), ownerWriteKey: 201, adminKey: 201 },
    verify: async ({ res, who }) => {
      expect(res.json().contributor_id).toBe(who!.id);
      const row = await w.t.ctx.store.db.selectFrom('conversations').select('contributor_id').where('id', '=', res.json().id).executeTakeFirstOrThrow();
      expect(row.contributor_id).toBe(who!.id);
    },
  },
  {
    route: 'POST /v1/conversations/:id/messages',
    // A new user turn under the owner's answer (a branch, so that every accepted one fits the tree).
    request: (caller) => ({ url: `/v1/conversations/${w.ownerConv.id}/messages`, body: { parent_id: w.ownerConv.answer, role: 'user', content: `a turn by ${caller}` } }),
    expect: {
      anonymous: 401,
      owner: 201,
      other: 404, // cannot tell the conversation exists
      reviewer: 403, // may read it, may not write into it
      moderator: 403,
      trainer: 404,
      otherTrainer: 404,
      admin: 403,
      ownerReadKey: 403,
      ownerWriteKey: 201,
      trainerKey: 403,
      adminKey: 403,
      revokedKey: 401,
    },
    verify: ({ res }) => expect(res.json()).toMatchObject({ conversation_id: w.ownerConv.id, contributor_id: w.person.owner.id, parent_id: w.ownerConv.answer }),
  },
  {
    route: 'GET /v1/conversations',
    // Asking for the owner's items by author: only pool readers get them.
    request: () => ({ url: `/v1/conversations?contributor_id=${w.person.owner.id}&limit=500` }),
    expect: { ...everyone(200), anonymous: 401, ownerWriteKey: 403 },
    verify: verifyListing('conversations'),
  },
  {
    route: 'GET /v1/conversations/:id',
    request: () => ({ url: `/v1/conversations/${w.ownerConv.id}` }),
    expect: PRIVATE_READ,
    verify: ({ res }) => {
      expect(res.json()).toMatchObject({ id: w.ownerConv.id, contributor_id: w.person.owner.id });
      expect(res.json().messages.map((m: { id: string }) => m.id)).toContain(w.ownerConv.answer);
    },
  },

  {
    route: 'DELETE /v1/conversations/:id',
    // The target: a fresh conversation of the owner's each time, with feedback on it. Only its author deletes it.
    request: async () => {
      const conv = await startConversation(w.person.owner, { community_id: w.community.id });
      await json(await w.person.owner.request('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: conv.id, message_id: conv.messages[1]!.id, value: 'up' }), 201);
      return { url: `/v1/conversations/${conv.id}` };
    },
    expect: {
      anonymous: 401,
      owner: 204,
      other: 404, // cannot tell it exists
      reviewer: 403, // reads it, may not delete it
      moderator: 403,
      trainer: 404,
      otherTrainer: 404,
      admin: 403,
      ownerReadKey: 403, // no conversations:write
      ownerWriteKey: 204,
      trainerKey: 403,
      adminKey: 403,
      revokedKey: 401,
    },
    verify: async ({ req, before }) => {
      const id = req.url.split('/').at(-1)!;
      const after = await snapshot(w.t);
      expect(after.conversations!.map((r) => r.id)).not.toContain(id);
      // That conversation, its two messages and its one feedback event: nothing else.
      for (const [table, gone] of [['conversations', 1], ['messages', 2], ['feedback', 1]] as const) {
        expect(after[table], table).toHaveLength(before[table]!.length - gone);
        expect(after[table]!.filter((r) => r.id !== id && r.conversation_id !== id), table).toEqual(before[table]!.filter((r) => r.id !== id && r.conversation_id !== id));
      }
    },
  },

  // --- my data -------------------------------------------------------------------------------------
  {
    route: 'GET /v1/me/stats',
    request: () => ({ url: '/v1/me/stats' }),
    expect: { ...everyone(200), anonymous: 401, ownerWriteKey: 403 },
    verify: async ({ res, who }) => {
      const db = w.t.ctx.store.db;
      const mine = await db.selectFrom('conversations').select('id').where('contributor_id', '=', who!.id).execute();
      const feedback = await db.selectFrom('feedback').select('id').where('contributor_id', '=', who!.id).execute();
      expect(res.json()).toMatchObject({ conversations: mine.length, feedback: feedback.length });
    },
  },
  {
    route: 'GET /v1/me/export',
    request: () => ({ url: '/v1/me/export?format=json' }),
    expect: { ...everyone(200), anonymous: 401, ownerWriteKey: 403 },
    verify: ({ res, who }) => {
      const doc = res.json();
      expect(doc.profile.id).toBe(who!.id);
      for (const list of [doc.conversations, doc.feedback, doc.consents]) {
        expect(list.every((r: { contributor_id: string }) => r.contributor_id === who!.id), WRONG_CALLER).toBe(true);
      }
      expect(doc.conversations.some((c: { id: string }) => c.id === w.ownerConv.id)).toBe(who!.id === w.person.owner.id);
    },
  },

  // --- feedback ----------------------------------------------------------------------------------
  {
    route: 'POST /v1/feedback',
    request: () => ({ url: '/v1/feedback', body: { kind: 'thumbs', conversation_id: w.ownerConv.id, message_id: w.ownerConv.answer, value: 'down' } }),
    expect: {
      anonymous: 401,
      owner: 201,
      other: { status: 422, code: 'invalid_reference' }, // as if the conversation did not exist
      reviewer: 201, // reviewers rate pool conversations, as third parties
      moderator: 201,
      trainer: { status: 422, code: 'invalid_reference' },
      otherTrainer: { status: 422, code: 'invalid_reference' },
      admin: 201,
      ownerReadKey: 403,
      ownerWriteKey: 201,
      trainerKey: 403,
      adminKey: 201,
      revokedKey: 401,
    },
    verify: ({ res, who }) => {
      const owner = who!.id === w.person.owner.id;
      expect(res.json()).toMatchObject({ contributor_id: who!.id, annotator_role: owner ? 'interlocutor' : 'third_party' });
    },
  },
  {
    route: 'GET /v1/feedback',
    request: () => ({ url: `/v1/feedback?contributor_id=${w.person.owner.id}&limit=500` }),
    expect: { ...everyone(200), anonymous: 401, ownerWriteKey: 403 },
    verify: verifyListing('feedback'),
  },
  {
    route: 'GET /v1/feedback/:id',
    request: () => ({ url: `/v1/feedback/${w.ownerFeedback}` }),
    expect: PRIVATE_READ,
    verify: ({ res }) => expect(res.json()).toMatchObject({ id: w.ownerFeedback, contributor_id: w.person.owner.id }),
  },
  {
    route: 'DELETE /v1/feedback/:id',
    // The target: a fresh event of the owner's each time.
    request: async () => {
      const f = await json(await w.person.owner.request('POST', '/v1/feedback', { kind: 'rating', conversation_id: w.ownerConv.id, message_id: w.ownerConv.answer, score: 3 }), 201);
      return { url: `/v1/feedback/${f.id}` };
    },
    expect: {
      anonymous: 401,
      owner: 204,
      other: 404,
      reviewer: 403, // reads it, may not delete it
      moderator: 204,
      trainer: 404,
      otherTrainer: 404,
      admin: 204,
      ownerReadKey: 403,
      ownerWriteKey: 204,
      trainerKey: 403,
      adminKey: 204,
      revokedKey: 401,
    },
    verify: async ({ req, before }) => {
      const id = req.url.split('/').at(-1)!;
      const after = await snapshot(w.t);
      expect(after.feedback!.map((r) => r.id)).not.toContain(id);
      expect(after.feedback).toHaveLength(before.feedback!.length - 1); // that one, and only that one
    },
  },

  // --- bulk ingest -------------------------------------------------------------------------------
  {
    route: 'POST /v1/ingest',
    // A conversation of one's own, and a thumbs on the owner's conversation: the second goes in only
    // for those who may read the owner's conversation.
    request: () => {
      const lines = [
        { type: 'conversation', id: fresh('ingested'), messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] },
        { type: 'feedback', id: fresh('ingested-feedback'), kind: 'thumbs', conversation_id: w.ownerConv.id, message_id: w.ownerConv.answer, value: 'up' },
      ];
      return { url: '/v1/ingest', body: lines.map((l) => JSON.stringify(l)).join('\n'), headers: { 'content-type': 'application/x-ndjson' } };
    },
    expect: { ...sessionsOnly(200), ownerWriteKey: 200, adminKey: 200 },
    verify: async ({ res, caller, who, req }) => {
      const [conversationLine, feedbackLine] = (req.body as string).split('\n').map((l) => JSON.parse(l) as { id: string });
      const readsOwners = POOL_READERS.includes(caller) || who!.id === w.person.owner.id;
      expect(res.json()).toMatchObject({ conversations: 1, feedback: readsOwners ? 1 : 0, rejected: readsOwners ? 0 : 1 });
      if (!readsOwners) expect(res.json().errors[0]).toMatchObject({ line: 2, code: 'invalid_reference', field: 'conversation_id' });
      const db = w.t.ctx.store.db;
      expect(await db.selectFrom('conversations').select('contributor_id').where('id', '=', conversationLine!.id).execute()).toEqual([{ contributor_id: who!.id }]);
      expect(await db.selectFrom('feedback').select('contributor_id').where('id', '=', feedbackLine!.id).execute()).toEqual(readsOwners ? [{ contributor_id: who!.id }] : []);
    },
  },

  // --- chat ------------------------------------------------------------------------------------
  {
    route: 'POST /v1/chat',
    // Off the record (nothing stored), with the built-in pool model: anyone who may write conversations may ask.
    request: async () => ({ url: '/v1/chat', body: { model_id: await poolModelId(), record: false, content: 'Hello?' } }),
    expect: { ...sessionsOnly(200), ownerWriteKey: 200, adminKey: 200 },
    verify: ({ res }) => {
      expect(res.headers['content-type']).toContain('text/event-stream');
      expect(res.body).toContain('event: done');
    },
  },

  // --- arena: battles between two built-in pool models of a community of their own --------------
  {
    route: 'POST /v1/arena/battles',
    // Like chat: anyone who may write conversations (and has consented) may start a battle.
    request: async () => ({ url: '/v1/arena/battles', body: { community_id: await arenaCommunity(), content: 'Hello?' } }),
    expect: { ...sessionsOnly(200), ownerWriteKey: 200, adminKey: 200 },
    verify: async ({ res, who }) => {
      expect(res.headers['content-type']).toContain('text/event-stream');
      expect(res.body).toContain('event: end');
      const row = await w.t.ctx.store.db.selectFrom('arena_battles').select('contributor_id').where('id', '=', sseStart(res.body).battle_id).executeTakeFirstOrThrow();
      expect(row.contributor_id).toBe(who!.id);
    },
  },
  {
    route: 'GET /v1/arena/battles/:id',
    // Read like a conversation: its author and the pool's readers (who see no names while it is open).
    request: async () => ({ url: `/v1/arena/battles/${await ownersBattle()}` }),
    expect: PRIVATE_READ,
    verify: async ({ res }) => expect(res.json()).toMatchObject({ id: await ownersBattle(), contributor_id: w.person.owner.id, status: 'open', model_a: null, model_b: null }),
  },
  {
    route: 'POST /v1/arena/battles/:id/turns',
    // The target: a fresh battle of the owner's each time. Only its author continues it.
    request: async (caller) => ({ url: `/v1/arena/battles/${await freshOwnersBattle()}/turns`, body: { content: `a turn by ${caller}` } }),
    expect: {
      anonymous: 401,
      owner: 200,
      other: 404, // cannot tell the battle exists
      reviewer: 403, // may read it, may not play it
      moderator: 403,
      trainer: 404,
      otherTrainer: 404,
      admin: 403,
      ownerReadKey: 403,
      ownerWriteKey: 200,
      trainerKey: 403,
      adminKey: 403,
      revokedKey: 401,
    },
    verify: async ({ res, req }) => {
      expect(res.body).toContain('event: end');
      const battleId = req.url.split('/').at(-2)!;
      expect(await w.t.ctx.store.db.selectFrom('arena_turns').select('position').where('battle_id', '=', battleId).execute()).toHaveLength(2);
    },
  },
  {
    route: 'POST /v1/arena/battles/:id/vote',
    // The target: a fresh battle of the owner's each time. Only its author votes (a key needs feedback:write).
    request: async () => ({ url: `/v1/arena/battles/${await freshOwnersBattle()}/vote`, body: { winner: 'tie' } }),
    expect: {
      anonymous: 401,
      owner: 200,
      other: 404,
      reviewer: 403,
      moderator: 403,
      trainer: 404,
      otherTrainer: 404,
      admin: 403,
      ownerReadKey: 403,
      ownerWriteKey: 200,
      trainerKey: 403,
      adminKey: 403,
      revokedKey: 401,
    },
    verify: async ({ res }) => {
      expect(res.json()).toMatchObject({ contributor_id: w.person.owner.id, outcome: 'tie' });
      expect(res.json().model_a).not.toBeNull();
      const event = await w.t.ctx.store.db.selectFrom('feedback').select(['kind', 'contributor_id']).where('id', '=', res.json().feedback_id).executeTakeFirstOrThrow();
      expect(event).toEqual({ kind: 'pairwise', contributor_id: w.person.owner.id });
    },
  },

  // --- interchange ---------------------------------------------------------------------------
  {
    route: 'POST /v1/imports/:format',
    // Importing a dataset attests its licence: admins only. A fresh source each time, so each import adds one.
    request: () => {
      const source = fresh('authz');
      return {
        url: `/v1/imports/sharegpt?licence=CC0-1.0&source=${source}`,
        body: JSON.stringify({ id: 'c1', conversations: [{ from: 'human', value: 'Hi' }, { from: 'gpt', value: 'Hello' }] }),
        headers: { 'content-type': 'application/x-ndjson' },
      };
    },
    expect: adminsOnly(200),
    verify: async ({ res, req }) => {
      expect(res.json()).toMatchObject({ conversations: { imported: 1 }, messages: { imported: 2 } });
      const source = new URL(req.url, 'http://x').searchParams.get('source')!;
      const rows = await w.t.ctx.store.db.selectFrom('conversations').select(['id', 'licence']).where('source', '=', source).execute();
      expect(rows).toEqual([{ id: `${source}:c1`, licence: 'CC0-1.0' }]);
    },
  },
  {
    route: 'GET /v1/exports/:view',
    // The feedback view, asking for the owner's: like the listings, only reviewers get someone else's.
    request: () => ({ url: `/v1/exports/feedback?contributor_id=${w.person.owner.id}` }),
    expect: { ...everyone(200), anonymous: 401, ownerWriteKey: 403 },
    verify: async (args) => {
      const items = args.res.body.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { id: string; contributor_id: string });
      await verifyListing('feedback')({ ...args, res: { ...args.res, json: () => ({ items }) } as typeof args.res });
    },
  },

  // --- rate the pool (late: being served a conversation opens it to the rater's feedback) ---------
  {
    route: 'POST /v1/queue/next',
    // Serving someone else's conversation to rate needs consent, `read` and `feedback:write`; it stores who was served what.
    request: () => ({ url: '/v1/queue/next', body: {} }),
    expect: { ...sessionsOnly(200), adminKey: 200 },
    verify: async ({ res, who, before }) => {
      const served = res.json().conversation as { id: string; contributor_id: string };
      expect(served.contributor_id).not.toBe(who!.id);
      const after = await snapshot(w.t);
      const added = after.queue_assignments!.filter((a) => !before.queue_assignments!.some((b) => JSON.stringify(b) === JSON.stringify(a)));
      expect(added).toEqual([expect.objectContaining({ contributor_id: who!.id, conversation_id: served.id })]);
      expect({ ...after, queue_assignments: [] }).toEqual({ ...before, queue_assignments: [] });
      // Served, it is readable by the one it was served to (queue.test.ts: and by nobody else).
      expect((await actorFrom(w.t.app, who!.id, who!.handle, { cookie: who!.cookie }).request('GET', `/v1/conversations/${served.id}`)).statusCode).toBe(200);
    },
  },
  // --- releases: made and published by admins, read and downloaded by anyone ---------------------
  {
    route: 'POST /v1/releases',
    request: () => ({ url: '/v1/releases', body: { version: fresh('release') } }),
    expect: adminsOnly(202),
    verify: async ({ res }) => {
      expect(res.json()).toMatchObject({ status: 'building' });
      // Let the build finish, so that later cases see a still database.
      for (let i = 0; i < 200 && (await getRelease(w.t.ctx, res.json().version)).status === 'building'; i++) await new Promise((r) => setTimeout(r, 20));
      expect((await getRelease(w.t.ctx, res.json().version)).status).toBe('built');
    },
  },
  { route: 'GET /v1/releases', request: () => ({ url: '/v1/releases' }), expect: everyone(200) },
  { route: 'GET /v1/releases/:version', request: async () => ({ url: `/v1/releases/${await builtRelease()}` }), expect: everyone(200) },
  { route: 'GET /v1/releases/:version/files/*', request: async () => ({ url: `/v1/releases/${await builtRelease()}/files/README.md` }), expect: everyone(200) },
  {
    route: 'POST /v1/releases/:version/publish',
    request: async () => ({ url: `/v1/releases/${await builtRelease()}/publish`, body: { kind: 'folder', path: mkdtempSync(join(tmpdir(), 'authz-mirror-')) } }),
    expect: adminsOnly(200),
  },
  // --- takedowns: anyone reports; moderators and admins decide; admins read the audit log ----------
  {
    route: 'POST /v1/takedowns',
    request: () => ({ url: '/v1/takedowns', body: { record_id: w.ownerConv.answer, reason: 'privacy', details: 'It names me.' } }),
    expect: everyone(201),
    verify: ({ res }) => expect(res.json()).toMatchObject({ conversation_id: w.ownerConv.id, message_id: w.ownerConv.answer, status: 'open' }),
  },
  { route: 'GET /v1/takedowns', request: () => ({ url: '/v1/takedowns' }), expect: { ...adminsOnly(200), moderator: 200 } },
  {
    route: 'POST /v1/takedowns/:id/decision',
    // A fresh report each time, decided "reject" (upholding would remove the owner's answer for the cases after).
    request: async () => {
      const report = await json(await w.callers.anonymous.request('POST', '/v1/takedowns', { record_id: w.ownerConv.id, reason: 'harm', details: 'Please look.' }), 201);
      return { url: `/v1/takedowns/${report.id}/decision`, body: { decision: 'reject', reason: 'Nothing harmful in it.' } };
    },
    expect: { ...adminsOnly(200), moderator: 200 },
    verify: async ({ res, who }) => {
      expect(res.json()).toMatchObject({ status: 'rejected', decision_reason: 'Nothing harmful in it.' });
      const log = await w.t.ctx.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'takedown.reject').where('target_id', '=', w.ownerConv.id).orderBy('at', 'desc').executeTakeFirst();
      expect(log).toMatchObject({ actor_id: who!.id, reason: 'Nothing harmful in it.' });
    },
  },
  { route: 'GET /v1/audit', request: () => ({ url: '/v1/audit' }), expect: adminsOnly(200) },
  // --- quality: own figures for everyone, labels for pool readers, gold items and the quality pass for moderators ---
  {
    route: 'GET /v1/me/quality',
    request: () => ({ url: '/v1/me/quality' }),
    expect: { ...everyone(200), anonymous: 401, ownerWriteKey: 403 },
    // One's own figures, never another's.
    verify: ({ res, who }) => expect(res.json()).toMatchObject({ contributor_id: who!.id }),
  },
  {
    route: 'GET /v1/conversations/:id/labels',
    request: () => ({ url: `/v1/conversations/${w.ownerConv.id}/labels` }),
    // Aggregates everyone's votes on the conversation: for those who review the pool.
    expect: { ...adminsOnly(200), reviewer: 200, moderator: 200 },
    verify: ({ res }) => expect(res.json()).toMatchObject({ conversation_id: w.ownerConv.id, answers: [expect.objectContaining({ message_id: w.ownerConv.answer })] }),
  },
  {
    route: 'POST /v1/gold-items',
    // A fresh answer of the owner's each time (an answer is gold once).
    request: async () => ({ url: '/v1/gold-items', body: { message_id: (await startConversation(w.person.owner)).messages[1]!.id, expected: { kind: 'thumbs', value: 'up' } } }),
    expect: { ...adminsOnly(201), moderator: 201 },
    verify: async ({ res, who, req }) => {
      expect(res.json()).toMatchObject({ message_id: (req.body as { message_id: string }).message_id, created_by: who!.id });
      const log = await w.t.ctx.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'gold.create').where('target_id', '=', res.json().message_id).executeTakeFirst();
      expect(log).toMatchObject({ actor_id: who!.id });
    },
  },
  { route: 'GET /v1/gold-items', request: () => ({ url: '/v1/gold-items' }), expect: { ...adminsOnly(200), moderator: 200 } },
  {
    route: 'POST /v1/quality/pass',
    request: () => ({ url: '/v1/quality/pass' }),
    expect: { ...adminsOnly(200), moderator: 200 },
    verify: ({ res }) => expect(res.json()).toMatchObject({ contributors: expect.any(Number), computed_at: expect.any(String) }),
  },
  // --- the moderation queue: reviewers read and dismiss; moderators also remove and restrict ---------
  { route: 'GET /v1/moderation/queue', request: () => ({ url: '/v1/moderation/queue' }), expect: { ...adminsOnly(200), reviewer: 200, moderator: 200 } },
  {
    route: 'POST /v1/moderation/queue/:id/decision',
    // A fresh flagged conversation each time, dismissed.
    request: async () => {
      const conv = await startConversation(w.person.owner);
      await json(await w.person.owner.request('POST', '/v1/feedback', { kind: 'flag', conversation_id: conv.id, message_id: conv.messages[1]!.id, reason: 'spam' }), 201);
      const item = await w.t.ctx.store.db.selectFrom('moderation_items').select('id').where('conversation_id', '=', conv.id).executeTakeFirstOrThrow();
      return { url: `/v1/moderation/queue/${item.id}/decision`, body: { decision: 'dismiss', reason: 'Not spam.' } };
    },
    expect: { ...adminsOnly(200), reviewer: 200, moderator: 200 },
    verify: async ({ res, who }) => {
      expect(res.json()).toMatchObject({ status: 'dismissed', decided_by: who!.id, decision_reason: 'Not spam.' });
      const log = await w.t.ctx.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'moderation.dismiss').orderBy('at', 'desc').orderBy('id', 'desc').executeTakeFirst();
      expect(log).toMatchObject({ actor_id: who!.id, reason: 'Not spam.' });
    },
  },
  { route: 'GET /v1/moderation/suspicious', request: () => ({ url: '/v1/moderation/suspicious' }), expect: { ...adminsOnly(200), moderator: 200 } },
  // --- last: withdrawing consent marks the caller's contributions withdrawn ----------------------
  {
    route: 'DELETE /v1/consent',
    request: () => ({ url: '/v1/consent' }),
    expect: sessionsOnly(200),
    verify: async ({ res, who, before }) => {
      expect(res.json()).toMatchObject({ contributor_id: who!.id });
      expect(res.json().withdrawn_at).not.toBeNull();
      const after = await snapshot(w.t);
      // The caller's own records leave the pool (with the answers in their conversations); nobody else's change.
      for (const table of ['feedback', 'conversations', 'consents']) {
        expect(rowsNotOf(after, table, 'contributor_id', who!.id), table).toEqual(rowsNotOf(before, table, 'contributor_id', who!.id));
      }
      const theirConversations = new Set(before.conversations!.filter((c) => c.contributor_id === who!.id).map((c) => c.id));
      const othersMessages = (snap: typeof before) => snap.messages!.filter((m) => m.contributor_id !== who!.id && !theirConversations.has(m.conversation_id as string));
      expect(othersMessages(after)).toEqual(othersMessages(before));
      expect(after.messages!.filter((m) => theirConversations.has(m.conversation_id as string) && m.status === 'active')).toEqual([]);
      expect(after.feedback!.filter((r) => r.contributor_id === who!.id && r.status === 'active')).toEqual([]);
    },
  },
  // --- very last: deleting the account (refused while the person owns models) ------------------
  {
    route: 'DELETE /v1/me',
    request: () => ({ url: '/v1/me' }),
    // The owner's keys die with the owner's account (it goes first).
    expect: { ...sessionsOnly(200), trainer: { status: 409, code: 'conflict' }, otherTrainer: { status: 409, code: 'conflict' }, admin: { status: 409, code: 'conflict' }, ownerReadKey: 401, ownerWriteKey: 401 },
    verify: async ({ who }) => {
      const after = await snapshot(w.t);
      expect(after.contributors!.some((c) => c.id === who!.id)).toBe(false);
      for (const table of ['conversations', 'feedback', 'consents', 'sessions', 'api_keys']) expect(after[table]!.filter((r) => r.contributor_id === who!.id), table).toEqual([]);
    },
  },
];

let release: Promise<string> | undefined;
/** A built release, made once by the admin. */
function builtRelease(): Promise<string> {
  release ??= (async () => {
    const { built } = await startRelease(w.t.ctx, OPERATOR, { version: fresh('r') });
    return (await built).version;
  })();
  return release;
}

let poolModel: Promise<string> | undefined;
/** A built-in pool model (no endpoint), registered once by the admin. */
function poolModelId(): Promise<string> {
  poolModel ??= w.person.admin
    .request('POST', '/v1/models', { slug: fresh('pool'), name: 'Pool', community_id: w.community.id, base_url: null, model_name: 'pool' })
    .then((res) => json<{ id: string }>(res, 201))
    .then((m) => m.id);
  return poolModel;
}

let arena: Promise<string> | undefined;
/** A community of its own with two built-in pool models in its arena (they answer at once, with no endpoint). */
function arenaCommunity(): Promise<string> {
  arena ??= (async () => {
    const community = await json<{ id: string }>(await w.person.admin.request('POST', '/v1/communities', { slug: fresh('arena'), name: 'Arena', kind: 'domain' }), 201);
    for (const name of ['Pool A', 'Pool B']) {
      await json(await w.person.admin.request('POST', '/v1/models', { slug: fresh('arena-pool'), name, community_id: community.id, base_url: null, model_name: 'pool' }), 201);
    }
    return community.id;
  })();
  return arena;
}

/** The `start` event of an arena stream. */
function sseStart(body: string): { battle_id: string; conversation_id: string } {
  const line = body.split('\n').find((l) => l.startsWith('data: {"type":"start"'));
  if (line === undefined) throw new Error(`no start event in ${body}`);
  return JSON.parse(line.slice(6));
}

/** A new open battle of the owner's, both answers in. */
async function freshOwnersBattle(): Promise<string> {
  const res = await w.person.owner.request('POST', '/v1/arena/battles', { community_id: await arenaCommunity(), content: 'Which river runs through Lisbon?' });
  if (res.statusCode !== 200 || !res.body.includes('"status":"open"')) throw new Error(`battle failed: ${res.statusCode} ${res.body}`);
  return sseStart(res.body).battle_id;
}

let ownersOpenBattle: Promise<string> | undefined;
/** One open battle of the owner's, made once. */
function ownersBattle(): Promise<string> {
  ownersOpenBattle ??= freshOwnersBattle();
  return ownersOpenBattle;
}

const DEFAULT_CODES: Record<number, string> = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' };

describe('authorisation: every route × every caller (sqlite)', () => {
  beforeAll(async () => {
    w = await buildWorld();
  });
  afterAll(async () => {
    await w.t.close();
    await w.provider.stop();
  });

  it('the table covers every route the app serves, and only those', () => {
    const { routes, heads } = servedRoutes(w.t.app);
    // The parser must see what the router sees (guards against a change in printRoutes' format).
    expect(routes.length).toBeGreaterThan(30);
    for (const r of routes) {
      const [method, url] = r.split(' ') as [Method, string];
      expect(w.t.app.hasRoute({ method, url }), r).toBe(true);
    }
    const documented = Object.entries((w.t.app.swagger() as { paths: Record<string, object> }).paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{\*\}/g, '*').replace(/\{(\w+)\}/g, ':$1')}`),
    );
    for (const d of documented) expect(routes, `documented route ${d}`).toContain(d);
    // Every HEAD is the automatic twin of a GET.
    for (const h of heads) expect(routes, h).toContain(h.replace(/^HEAD /, 'GET '));

    const table = ROUTES.map((r) => r.route);
    expect(new Set(table).size, 'a route is in the table twice').toBe(table.length);
    expect([...table].sort(), 'routes missing from (or stale in) the authorisation table').toEqual([...routes].sort());
  });

  for (const spec of ROUTES) {
    const [method] = spec.route.split(' ') as [Method];
    describe(spec.route, () => {
      for (const caller of CALLERS) {
        const raw = spec.expect[caller];
        const outcome: Outcome = typeof raw === 'number' ? { status: raw } : raw;
        const title = `${caller} → ${outcome.status}${outcome.code !== undefined ? ` ${outcome.code}` : ''}${outcome.bug !== undefined ? ` [BUG: ${outcome.bug}]` : ''}`;
        (outcome.bug !== undefined && process.env.AUTHZ_SHOW_BUGS === undefined ? it.fails : it)(title, async () => {
          const req = await spec.request(caller);
          const actor = req.actor ?? w.callers[caller];
          const before = await snapshot(w.t);
          const res = await actor.request(method, req.url, req.body, req.headers);
          expect(res.statusCode, res.body).toBe(outcome.status);
          if (outcome.status >= 400) {
            expect(res.json().error.code).toBe(outcome.code ?? DEFAULT_CODES[outcome.status]);
            expect(await snapshot(w.t), 'a refused request changed the database').toEqual(before);
          } else {
            await spec.verify?.({ res, caller, who: whoIs(caller), req, before });
          }
        });
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Paths around the table: escalation, role changes, idempotency replays, references into others' data.

describe('authorisation: scenarios (sqlite)', () => {
  beforeAll(async () => {
    w = await buildWorld();
  });
  afterAll(async () => {
    await w.t.close();
    await w.provider.stop();
  });

  async function refusedWithoutChange(actor: Actor, method: Method, url: string, body: unknown, status: number, code: string, headers?: Record<string, string>) {
    const before = await snapshot(w.t);
    const res = await actor.request(method, url, body, headers);
    expect({ status: res.statusCode, code: res.json().error?.code }, res.body).toEqual({ status, code });
    expect(await snapshot(w.t), 'a refused request changed the database').toEqual(before);
    return res;
  }

  it('a key never gets scopes its holder\'s roles do not allow', async () => {
    const { owner, reviewer, trainer } = w.person;
    await refusedWithoutChange(owner, 'POST', '/v1/api-keys', { name: 'x', scopes: ['read', 'admin'] }, 403, 'forbidden');
    await refusedWithoutChange(owner, 'POST', '/v1/api-keys', { name: 'x', scopes: ['models:write'] }, 403, 'forbidden');
    await refusedWithoutChange(reviewer, 'POST', '/v1/api-keys', { name: 'x', scopes: ['admin'] }, 403, 'forbidden');
    expect((await trainer.request('POST', '/v1/api-keys', { name: 'x', scopes: ['models:write'] })).statusCode).toBe(201);
  });

  it('a trainer\'s key without models:write registers nothing', async () => {
    const key = await createKey(w.person.trainer, ['read', 'conversations:write']);
    const actor = actorFrom(w.t.app, w.person.trainer.id, w.person.trainer.handle, { apiKey: key.key });
    const body = { slug: fresh('model'), name: 'M', community_id: w.community.id, base_url: null, model_name: 'm' };
    await refusedWithoutChange(actor, 'POST', '/v1/models', body, 403, 'forbidden');
    await refusedWithoutChange(actor, 'PATCH', `/v1/models/${w.model.id}`, { name: 'x' }, 403, 'forbidden');
  });

  it('an admin\'s key without the admin scope is not an admin key', async () => {
    const key = await createKey(w.person.admin, ['read', 'feedback:write']);
    const actor = actorFrom(w.t.app, w.person.admin.id, w.person.admin.handle, { apiKey: key.key });
    await refusedWithoutChange(actor, 'GET', '/v1/admin/contributors', undefined, 403, 'forbidden');
    await refusedWithoutChange(actor, 'PUT', `/v1/admin/contributors/${w.person.owner.id}/roles`, { roles: ['admin'] }, 403, 'forbidden');
    await refusedWithoutChange(actor, 'POST', '/v1/communities', { slug: fresh('c'), name: 'C', kind: 'domain' }, 403, 'forbidden');
    await refusedWithoutChange(actor, 'PATCH', `/v1/models/${w.model.id}`, { name: 'x' }, 403, 'forbidden');
    // …while it still reads the pool, as its `read` scope and its holder's roles allow.
    expect((await actor.request('GET', `/v1/conversations/${w.ownerConv.id}`)).statusCode).toBe(200);
  });

  it('sign-up cannot choose roles', async () => {
    const handle = fresh('climber');
    const res = await w.t.app.inject({ method: 'POST', url: '/v1/accounts', payload: { handle, password: PASSWORD, roles: ['admin'] } });
    expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 400, code: 'validation_failed' });
    expect(await w.t.ctx.store.db.selectFrom('contributors').select('id').where('handle', '=', handle).execute()).toEqual([]);
  });

  it('losing a role takes effect at once, for sessions and keys alike', async () => {
    const former = await signUp(w.t.app);
    await grantRoles(w.person.admin, former, ['reviewer']);
    const key = await createKey(former, ['read']);
    const keyActor = actorFrom(w.t.app, former.id, former.handle, { apiKey: key.key });
    expect((await former.request('GET', `/v1/conversations/${w.ownerConv.id}`)).statusCode).toBe(200);
    expect((await keyActor.request('GET', `/v1/feedback/${w.ownerFeedback}`)).statusCode).toBe(200);
    await grantRoles(w.person.admin, former, []);
    for (const actor of [former, keyActor]) {
      expect((await actor.request('GET', `/v1/conversations/${w.ownerConv.id}`)).statusCode).toBe(404);
      expect((await actor.request('GET', `/v1/feedback/${w.ownerFeedback}`)).statusCode).toBe(404);
      const list = await actor.request('GET', `/v1/feedback?contributor_id=${w.person.owner.id}`);
      expect(list.json().items).toEqual([]);
    }
  });

  it('a revoked key is refused at once, and its holder\'s other credentials are not', async () => {
    const key = await createKey(w.person.owner, ['read']);
    const actor = actorFrom(w.t.app, w.person.owner.id, w.person.owner.handle, { apiKey: key.key });
    expect((await actor.request('GET', `/v1/conversations/${w.ownerConv.id}`)).statusCode).toBe(200);
    expect((await w.person.owner.request('DELETE', `/v1/api-keys/${key.id}`)).statusCode).toBe(200);
    await refusedWithoutChange(actor, 'GET', `/v1/conversations/${w.ownerConv.id}`, undefined, 401, 'unauthenticated');
    expect((await w.callers.ownerReadKey.request('GET', `/v1/conversations/${w.ownerConv.id}`)).statusCode).toBe(200);
    expect((await w.person.owner.request('GET', `/v1/conversations/${w.ownerConv.id}`)).statusCode).toBe(200);
  });

  it('an Idempotency-Key replays only to the caller who used it', async () => {
    const body = { kind: 'thumbs', conversation_id: w.ownerConv.id, message_id: w.ownerConv.answer, value: 'up' };
    const headers = { 'idempotency-key': 'shared-key-1' };
    const first = await w.person.owner.request('POST', '/v1/feedback', body, headers);
    expect(first.statusCode).toBe(201);
    // Another contributor sending the very same request gets no copy of the owner's event.
    const other = await refusedWithoutChange(w.person.other, 'POST', '/v1/feedback', body, 422, 'invalid_reference', headers);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(other.body).not.toContain(first.json().id);
    // Nor does the owner's own key (keys are counted apart from the session).
    const viaKey = await w.callers.ownerWriteKey.request('POST', '/v1/feedback', body, headers);
    expect(viaKey.statusCode).toBe(201);
    expect(viaKey.headers['idempotent-replayed']).toBeUndefined();
    expect(viaKey.json().id).not.toBe(first.json().id);
    // A reviewer with the same key records an event of their own.
    const reviewer = await w.person.reviewer.request('POST', '/v1/feedback', body, headers);
    expect(reviewer.statusCode).toBe(201);
    expect(reviewer.headers['idempotent-replayed']).toBeUndefined();
    expect(reviewer.json()).toMatchObject({ contributor_id: w.person.reviewer.id, annotator_role: 'third_party' });
  });

  it('nobody writes into another\'s conversation by naming its ids', async () => {
    const { other } = w.person;
    const own = await startConversation(other);
    // A turn in one's own conversation that answers a message of the owner's.
    await refusedWithoutChange(other, 'POST', `/v1/conversations/${own.id}/messages`, { parent_id: w.ownerConv.question, role: 'assistant', content: 'x' }, 422, 'invalid_tree');
    // Feedback on one's own conversation that points at the owner's messages.
    await refusedWithoutChange(other, 'POST', '/v1/feedback', { kind: 'pairwise', conversation_id: own.id, message_id: own.messages[1]!.id, other_message_id: w.ownerConv.answer, outcome: 'a' }, 422, 'invalid_reference');
    await refusedWithoutChange(other, 'POST', '/v1/feedback', { kind: 'ranking', conversation_id: own.id, ranking: [own.messages[1]!.id, w.ownerConv.answer] }, 422, 'invalid_reference');
    // A new conversation, or an ingested one, that takes the id of the owner's.
    await refusedWithoutChange(other, 'POST', '/v1/conversations', { id: w.ownerConv.id, messages: [{ role: 'user', content: 'mine now' }] }, 409, 'conflict');
    // Ingest: the line is rejected (not counted as this caller's duplicate) and nothing is written.
    const before = await snapshot(w.t);
    const line = JSON.stringify({ type: 'conversation', id: w.ownerConv.id, messages: [{ role: 'user', content: 'mine now' }] });
    const res = await other.request('POST', '/v1/ingest', line, { 'content-type': 'application/x-ndjson' });
    expect(res.json()).toMatchObject({ conversations: 0, duplicates: 0, rejected: 1, errors: [{ line: 1, code: 'conflict' }] });
    expect(await snapshot(w.t)).toEqual(before);
    // The owner's conversation is still the owner's, as it was.
    const conv = await w.person.owner.request('GET', `/v1/conversations/${w.ownerConv.id}`);
    expect(conv.json()).toMatchObject({ contributor_id: w.person.owner.id, status: 'active' });
  });

  it('listings keep contributors to their own items under every filter', async () => {
    const { other } = w.person;
    for (const url of [
      '/v1/feedback?limit=500',
      `/v1/feedback?conversation_id=${w.ownerConv.id}`,
      `/v1/feedback?community_id=${w.community.id}`,
      '/v1/feedback?status=withdrawn',
      '/v1/conversations?limit=500',
      `/v1/conversations?community_id=${w.community.id}`,
    ]) {
      const res = await other.request('GET', url);
      expect(res.statusCode, url).toBe(200);
      const items = res.json().items as { contributor_id: string }[];
      expect(items.every((i) => i.contributor_id === other.id), url).toBe(true);
    }
    // …and a reviewer does see the owner's through the same filters (so the filters above could have leaked).
    for (const url of [`/v1/feedback?conversation_id=${w.ownerConv.id}`, `/v1/conversations?community_id=${w.community.id}`]) {
      const items = (await w.person.reviewer.request('GET', url)).json().items as { contributor_id: string }[];
      expect(items.map((i) => i.contributor_id), url).toContain(w.person.owner.id);
    }
  });
});
