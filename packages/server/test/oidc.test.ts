import { createServer } from 'node:net';
import { OAuth2Server, type MutableRedirectUri, type MutableToken } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASES, SQLITE_TEST_DATABASE } from './support/databases.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * Sign-in with an OpenID Connect provider, end to end: the real server listening on a port, a real
 * local provider (oauth2-mock-server), and a "browser" made of fetch calls that follows each
 * redirect by hand and keeps cookies the way a browser does (per origin and path).
 */

// Letters only: the server sends client_secret_basic, form-encoding the id as RFC 6749 §2.3.1 says
// ('-' → '%2D'), which oauth2-mock-server does not decode before putting it in the token's `aud`.
const CLIENT_ID = 'openfeedbacktest';
const CLIENT_SECRET = 'a-client-secret';

let provider: OAuth2Server;
let issuer: string;

beforeAll(async () => {
  provider = new OAuth2Server();
  await provider.issuer.keys.generate('RS256');
  await provider.start(0, '127.0.0.1');
  issuer = provider.issuer.url!;
});
afterAll(() => provider.stop());

/** A port no one listens on now (for the app, which must know its public URL before it listens). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Cookie {
  value: string;
  path: string;
  attributes: string[];
}

/** Cookies per origin and path, set and sent as a browser would (enough of RFC 6265 for this server). */
class Browser {
  readonly jar = new Map<string, Map<string, Cookie>>();

  async get(url: string): Promise<Response> {
    const u = new URL(url);
    const cookies = [...(this.jar.get(u.origin) ?? new Map<string, Cookie>())].filter(([, c]) => u.pathname.startsWith(c.path));
    const res = await fetch(u, { redirect: 'manual', headers: cookies.length > 0 ? { cookie: cookies.map(([n, c]) => `${n}=${c.value}`).join('; ') } : {} });
    const jar = this.jar.get(u.origin) ?? new Map<string, Cookie>();
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const [name, ...value] = pair!.split('=');
      const path = attributes.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      const expired = attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
      if (expired) jar.delete(name!);
      else jar.set(name!, { value: value.join('='), path, attributes });
    }
    this.jar.set(u.origin, jar);
    return res;
  }

  cookie(origin: string, name: string): Cookie | undefined {
    return this.jar.get(origin)?.get(name);
  }
}

const location = (res: Response, base: string) => new URL(res.headers.get('location')!, base).href;

describe.each(TEST_DATABASES)('OpenID Connect sign-in on $name', (database) => {
  let t: TestApp;
  let app: string;

  beforeAll(async () => {
    const port = await freePort();
    app = `http://127.0.0.1:${port}`;
    t = await createTestApp(database, { publicUrl: app, oidcIssuer: issuer, oidcClientId: CLIENT_ID, oidcClientSecret: CLIENT_SECRET, oidcName: 'Test ID' });
    await t.app.listen({ port, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  /** Start → provider → callback, as a browser goes; `atProvider` may change what the provider does. */
  async function signIn(browser: Browser, returnTo = '/rate', options: { subject?: string; claims?: Record<string, unknown> } = {}) {
    const start = await browser.get(`${app}/v1/auth/oidc/start?return_to=${encodeURIComponent(returnTo)}`);
    expect(start.status).toBe(302);
    const authorize = location(start, app);
    const tokenSigning = (token: MutableToken) => {
      if (options.subject !== undefined) token.payload.sub = options.subject;
      Object.assign(token.payload, options.claims ?? {});
    };
    provider.service.on('beforeTokenSigning', tokenSigning);
    try {
      const atProvider = await browser.get(authorize);
      expect(atProvider.status).toBe(302);
      const callback = location(atProvider, authorize);
      expect(callback.startsWith(`${app}/v1/auth/oidc/callback?`)).toBe(true);
      return { start, authorize: new URL(authorize), callback, done: await browser.get(callback) };
    } finally {
      provider.service.off('beforeTokenSigning', tokenSigning);
    }
  }

  const me = async (browser: Browser) => {
    const cookie = browser.cookie(app, 'of_session');
    const res = await fetch(`${app}/v1/me`, { headers: cookie === undefined ? {} : { cookie: `of_session=${cookie.value}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const contributors = async () => (await t.ctx.store.db.selectFrom('contributors').select('id').execute()).length;
  const identities = () => t.ctx.store.db.selectFrom('identities').selectAll().execute();

  it('names the provider for the sign-in screen', async () => {
    const res = await fetch(`${app}/v1/auth/providers`);
    expect(await res.json()).toEqual({ oidc: { enabled: true, name: 'Test ID' } });
  });

  it('signs a new person in with PKCE, state and nonce, under a generated pseudonym, and back where they were going', async () => {
    const browser = new Browser();
    const before = await contributors();
    const { start, authorize, done } = await signIn(browser, '/rate?community=pt#top', { subject: `new-person-${database.name}`, claims: { email: 'ada@example.org', name: 'Ada Lovelace', preferred_username: 'ada' } });

    // The request to the provider: the code flow with PKCE S256, a state and a nonce, nothing but `openid`.
    const q = authorize.searchParams;
    expect(authorize.origin).toBe(new URL(issuer).origin);
    expect(Object.fromEntries(q)).toMatchObject({ response_type: 'code', client_id: CLIENT_ID, scope: 'openid', code_challenge_method: 'S256', redirect_uri: `${app}/v1/auth/oidc/callback` });
    for (const p of ['state', 'nonce', 'code_challenge']) expect(q.get(p)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([q.get('state'), q.get('nonce'), q.get('code_challenge')]).size).toBe(3);
    // The flow waits in an HttpOnly cookie sent only to the callback, for ten minutes; the server stored nothing.
    const flow = start.headers.getSetCookie().find((c) => c.startsWith('of_oidc='))!;
    expect(flow).toMatch(/HttpOnly/i);
    expect(flow).toMatch(/SameSite=Lax/i);
    expect(flow).toMatch(/Path=\/v1\/auth\/oidc\//i);
    expect(flow).toMatch(/Max-Age=600/i);
    expect(flow).not.toContain(q.get('state')!);
    const rows = async () => Promise.all((['contributors', 'sessions', 'identities'] as const).map(async (table) => (await t.ctx.store.db.selectFrom(table).selectAll().execute()).length));
    const beforeStart = await rows();
    expect((await new Browser().get(`${app}/v1/auth/oidc/start`)).status).toBe(302);
    expect(await rows()).toEqual(beforeStart);
    expect(await contributors()).toBe(before + 1);

    // Back from the provider: signed in (the same cookie as a password sign-in sets), the flow cookie gone.
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/rate?community=pt#top');
    const session = done.headers.getSetCookie().find((c) => c.startsWith('of_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).toMatch(/Path=\/(;|$)/i);
    expect(browser.cookie(app, 'of_oidc')).toBeUndefined();
    const who = await me(browser);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ roles: ['contributor'], display_name: null, via: 'session' });
    expect(who.body.handle).toMatch(/^person-[a-z2-7]{10}$/);
    expect(await identities()).toContainEqual(expect.objectContaining({ issuer, subject: `new-person-${database.name}`, contributor_id: who.body.id }));
    // Nothing the provider knows of the person is kept: no e-mail, no name.
    const row = await t.ctx.store.db.selectFrom('contributors').selectAll().where('id', '=', who.body.id as string).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toMatch(/ada|lovelace|example\.org/i);
    expect(row.password_hash).toBeNull();
    // Like any new account, it contributes only after consenting.
    const write = await fetch(`${app}/v1/conversations`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `of_session=${browser.cookie(app, 'of_session')!.value}` }, body: '{"messages":[]}' });
    expect(((await write.json()) as { error: { code: string } }).error.code).toBe('consent_required');
  });

  it('signs the same subject into the same account every time', async () => {
    const subject = `returning-${database.name}`;
    const first = new Browser();
    await signIn(first, '/', { subject });
    const second = new Browser();
    const { done } = await signIn(second, '/chat', { subject });
    expect(done.headers.get('location')).toBe('/chat');
    expect((await me(second)).body.id).toBe((await me(first)).body.id);
    expect((await identities()).filter((i) => i.subject === subject)).toHaveLength(1);
  });

  it('makes one account when the first two sign-ins of a subject finish at once', async () => {
    const subject = `racing-${database.name}`;
    const browsers = [new Browser(), new Browser(), new Browser()];
    // Each goes to the provider and back, but the callbacks are held and then sent together.
    const callbacks: string[] = [];
    const sign = (token: MutableToken) => {
      token.payload.sub = subject;
    };
    provider.service.on('beforeTokenSigning', sign);
    try {
      for (const b of browsers) {
        const start = await b.get(`${app}/v1/auth/oidc/start`);
        const atProvider = await b.get(location(start, app));
        callbacks.push(location(atProvider, app));
      }
      const done = await Promise.all(browsers.map((b, i) => b.get(callbacks[i]!)));
      expect(done.map((r) => [r.status, r.headers.get('location')])).toEqual(browsers.map(() => [303, '/']));
    } finally {
      provider.service.off('beforeTokenSigning', sign);
    }
    const ids = await Promise.all(browsers.map(async (b) => (await me(b)).body.id));
    expect(new Set(ids).size).toBe(1);
    expect((await identities()).filter((i) => i.subject === subject)).toHaveLength(1);
  });

  it('sends every failed sign-in back to the app with sign_in_error, signing no one in and storing nothing', async () => {
    const expectFailed = async (browser: Browser, res: Response, code = 'sign_in_failed') => {
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/?sign_in_error=${code}`);
      expect(res.headers.getSetCookie().some((c) => c.startsWith('of_session='))).toBe(false);
      expect(browser.cookie(app, 'of_session')).toBeUndefined();
    };
    const before = { contributors: await contributors(), identities: (await identities()).length };

    // A callback with no sign-in started in this browser (e.g. a link someone else sent).
    const stranger = new Browser();
    const elsewhere = new Browser();
    const { callback } = await (async () => {
      const start = await elsewhere.get(`${app}/v1/auth/oidc/start`);
      const atProvider = await elsewhere.get(location(start, app));
      return { callback: location(atProvider, app) };
    })();
    await expectFailed(stranger, await stranger.get(callback));

    // The state changed on the way back.
    const tampered = new Browser();
    const start = await tampered.get(`${app}/v1/auth/oidc/start`);
    const atProvider = await tampered.get(location(start, app));
    const back = new URL(location(atProvider, app));
    back.searchParams.set('state', 'x'.repeat(43));
    await expectFailed(tampered, await tampered.get(back.href));
    expect(tampered.cookie(app, 'of_oidc')).toBeUndefined(); // a failed flow is over

    // Two sign-ins started in one browser: only the latest can finish.
    const twice = new Browser();
    const firstStart = await twice.get(`${app}/v1/auth/oidc/start`);
    const firstBack = location(await twice.get(location(firstStart, app)), app);
    await twice.get(`${app}/v1/auth/oidc/start`);
    await expectFailed(twice, await twice.get(firstBack));

    // The person said no at the provider.
    const refusing = (redirect: MutableRedirectUri) => {
      redirect.url.searchParams.delete('code');
      redirect.url.searchParams.set('error', 'access_denied');
    };
    provider.service.once('beforeAuthorizeRedirect', refusing);
    const denied = new Browser();
    const deniedStart = await denied.get(`${app}/v1/auth/oidc/start`);
    await expectFailed(denied, await denied.get(location(await denied.get(location(deniedStart, app)), app)));

    // An ID token with another nonce (a replayed or injected token).
    const wrongNonce = new Browser();
    const replay = (token: MutableToken) => {
      if (token.payload.nonce !== undefined) token.payload.nonce = 'not-the-nonce';
    };
    provider.service.on('beforeTokenSigning', replay);
    try {
      const s = await wrongNonce.get(`${app}/v1/auth/oidc/start`);
      await expectFailed(wrongNonce, await wrongNonce.get(location(await wrongNonce.get(location(s, app)), app)));
    } finally {
      provider.service.off('beforeTokenSigning', replay);
    }

    // A sign-in left at the provider for more than ten minutes.
    const slow = new Browser();
    const slowStart = await slow.get(`${app}/v1/auth/oidc/start`);
    const slowBack = location(await slow.get(location(slowStart, app)), app);
    const flow = slow.cookie(app, 'of_oidc')!;
    const decoded = JSON.parse(Buffer.from(flow.value, 'base64url').toString()) as { t: number };
    flow.value = Buffer.from(JSON.stringify({ ...decoded, t: decoded.t - 601 })).toString('base64url');
    await expectFailed(slow, await slow.get(slowBack));

    // A garbled flow cookie.
    const garbled = new Browser();
    const garbledStart = await garbled.get(`${app}/v1/auth/oidc/start`);
    const garbledBack = location(await garbled.get(location(garbledStart, app)), app);
    garbled.cookie(app, 'of_oidc')!.value = 'not%20base64url{}';
    await expectFailed(garbled, await garbled.get(garbledBack));

    expect({ contributors: await contributors(), identities: (await identities()).length }).toEqual(before);
  });

  it('goes back only to paths of this site', async () => {
    for (const bad of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', 'rate', '/ok\nSet-Cookie: x=1']) {
      const res = await fetch(`${app}/v1/auth/oidc/start?return_to=${encodeURIComponent(bad)}`, { redirect: 'manual' });
      expect(res.status, bad).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'validation_failed', field: 'return_to' } });
    }
    // Without one, home.
    const browser = new Browser();
    const { done } = await signIn(browser, '/');
    expect(done.headers.get('location')).toBe('/');
  });
});

describe('OpenID Connect sign-in, misconfigured or off', () => {
  it('is off without an issuer and client id: the app offers no button, the routes are 404', async () => {
    const t = await createTestApp(SQLITE_TEST_DATABASE);
    try {
      expect((await t.app.inject({ url: '/v1/auth/providers' })).json()).toEqual({ oidc: { enabled: false, name: 'Hugging Face' } });
      for (const url of ['/v1/auth/oidc/start', '/v1/auth/oidc/callback?code=x&state=y']) {
        const res = await t.app.inject({ url });
        expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 404, code: 'not_found' });
      }
    } finally {
      await t.close();
    }
  });

  it('signs in as a public client (PKCE, no secret) when no client secret is configured', async () => {
    const port = await freePort();
    const app = `http://127.0.0.1:${port}`;
    const t = await createTestApp(SQLITE_TEST_DATABASE, { publicUrl: app, oidcIssuer: issuer, oidcClientId: 'public-client' });
    await t.app.listen({ port, host: '127.0.0.1' });
    let tokenRequest: Record<string, unknown> = {};
    const capture = (_response: unknown, req: { body: Record<string, unknown>; headers: Record<string, unknown> }) => {
      tokenRequest = { ...req.body, authorization: req.headers.authorization };
    };
    provider.service.once('beforeResponse', capture as never);
    try {
      const browser = new Browser();
      const start = await browser.get(`${app}/v1/auth/oidc/start?return_to=/chat`);
      const back = location(await browser.get(location(start, app)), app);
      const done = await browser.get(back);
      expect({ status: done.status, location: done.headers.get('location') }).toEqual({ status: 303, location: '/chat' });
      expect(browser.cookie(app, 'of_session')).toBeDefined();
      expect(tokenRequest).toMatchObject({ grant_type: 'authorization_code', client_id: 'public-client', authorization: undefined });
      expect(tokenRequest.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      await t.close();
    }
  });

  it('sends the browser back with sign_in_error=unavailable when the provider cannot be reached', async () => {
    const port = await freePort();
    const t = await createTestApp(SQLITE_TEST_DATABASE, { oidcIssuer: `http://127.0.0.1:${port}`, oidcClientId: CLIENT_ID });
    try {
      const res = await t.app.inject({ url: '/v1/auth/oidc/start' });
      expect({ status: res.statusCode, location: res.headers.location }).toEqual({ status: 303, location: '/?sign_in_error=unavailable' });
      expect(res.headers['set-cookie']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
