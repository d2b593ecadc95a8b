import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Config } from '../config/config.js';
import { AppError } from '../errors.js';
import { findContributorByHandle, findContributorById, insertContributor, toContributor } from '../store/contributor-repository.js';
import { findIdentity, insertIdentity } from '../store/identity-repository.js';
import { newContributor, startSession, type SignedIn } from './accounts.js';
import { timestamp, type ServiceContext } from './context.js';
import { decodeFlow, encodeFlow, flowSecrets, FLOW_SECONDS, newFlow } from './oidc-flow.js';

/** Where the provider sends the person back; register `{publicUrl}/v1/auth/oidc/callback` with it. */
export const OIDC_CALLBACK_PATH = '/v1/auth/oidc/callback';

export function oidcEnabled(config: Config): boolean {
  return config.oidcIssuer !== undefined && config.oidcClientId !== undefined;
}

/** What the sign-in screen offers. */
export function signInProviders(ctx: ServiceContext) {
  return { oidc: { enabled: oidcEnabled(ctx.config), name: ctx.config.oidcName } };
}

export interface StartedSignIn {
  /** Send the browser here. */
  authorizationUrl: string;
  /** The flow cookie's value (see oidc-flow.ts) and how long it lives. */
  flowCookie: string;
  maxAgeSeconds: number;
}

/**
 * Starts signing in with the configured OpenID Connect provider: authorization code flow with
 * PKCE (S256), state and nonce. Only the `openid` scope is asked for: the pool never learns the
 * person's e-mail address or name, only the provider's opaque subject id.
 */
export async function startOidcSignIn(ctx: ServiceContext, returnTo: string | undefined): Promise<StartedSignIn> {
  requireEnabled(ctx.config);
  const path = returnTo ?? '/';
  if (!isSafeReturnPath(path, ctx.config.publicUrl)) throw new AppError('validation_failed', 'return_to must be a path on this site, such as /chat', 'return_to');
  const provider = await providerOf(ctx);
  const flow = newFlow(path, ctx.now());
  const secrets = flowSecrets(flow);
  const url = oidc.buildAuthorizationUrl(provider, {
    redirect_uri: callbackUrl(ctx.config).href,
    scope: 'openid',
    state: secrets.state,
    nonce: secrets.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(secrets.codeVerifier),
    code_challenge_method: 'S256',
  });
  return { authorizationUrl: url.href, flowCookie: encodeFlow(flow), maxAgeSeconds: FLOW_SECONDS };
}

/**
 * Finishes the sign-in the provider sent the person back from: checks the flow (state, PKCE, the
 * ID token and its nonce), then signs in the account linked to the provider's (issuer, subject),
 * creating one with a generated pseudonymous handle the first time.
 */
export async function finishOidcSignIn(ctx: ServiceContext, flowCookie: string | undefined, callbackQuery: string): Promise<SignedIn & { returnTo: string }> {
  const provider = await providerOf(ctx);
  const flow = decodeFlow(flowCookie, ctx.now(), (p) => isSafeReturnPath(p, ctx.config.publicUrl));
  if (flow === undefined) throw new AppError('sign_in_failed', 'this sign-in expired or was started in another browser; start again');
  const currentUrl = callbackUrl(ctx.config);
  currentUrl.search = callbackQuery;
  const refused = currentUrl.searchParams.get('error');
  if (refused !== null) throw new AppError('sign_in_failed', `the provider did not sign you in (${refused.slice(0, 100)})`);
  const secrets = flowSecrets(flow);
  let claims: oidc.IDToken | undefined;
  try {
    const tokens = await oidc.authorizationCodeGrant(provider, currentUrl, { pkceCodeVerifier: secrets.codeVerifier, expectedState: secrets.state, expectedNonce: secrets.nonce, idTokenExpected: true });
    claims = tokens.claims();
  } catch (e) {
    if (isUnreachable(e)) throw new AppError('unavailable', 'the sign-in provider cannot be reached; try again later');
    throw new AppError('sign_in_failed', `the provider's answer did not check out (${(e instanceof Error ? e.message : String(e)).slice(0, 200)})`);
  }
  if (claims === undefined) throw new AppError('sign_in_failed', 'the provider sent no ID token');
  const contributorId = await accountFor(ctx, claims.iss, claims.sub);
  const row = await findContributorById(ctx.store.db, contributorId);
  if (row === undefined) throw new AppError('sign_in_failed', 'the linked account no longer exists');
  return { contributor: toContributor(row), ...(await startSession(ctx, contributorId)), returnTo: flow.returnTo };
}

/** Only paths of this site: never another origin (`//evil.example`, `/\evil.example`, `https://…`). */
export function isSafeReturnPath(path: string, publicUrl: string): boolean {
  if (path.length > 2000 || !path.startsWith('/') || path.startsWith('//') || /[\\\u0000-\u001f\u007f]/.test(path)) return false;
  try {
    return new URL(path, publicUrl).origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}

function callbackUrl(config: Config): URL {
  return new URL(OIDC_CALLBACK_PATH, config.publicUrl);
}

function requireEnabled(config: Config) {
  const { oidcIssuer, oidcClientId, oidcClientSecret } = config;
  if (oidcIssuer === undefined || oidcClientId === undefined) throw new AppError('not_found', 'sign-in with an OpenID Connect provider is not configured on this server');
  return { oidcIssuer, oidcClientId, oidcClientSecret };
}

/** The provider's metadata, discovered once per server (and again after a failed attempt). */
const providers = new WeakMap<ServiceContext, Promise<oidc.Configuration>>();

async function providerOf(ctx: ServiceContext): Promise<oidc.Configuration> {
  const { oidcIssuer, oidcClientId, oidcClientSecret } = requireEnabled(ctx.config);
  let pending = providers.get(ctx);
  if (pending === undefined) {
    const issuer = new URL(oidcIssuer);
    // client_secret_basic: the method OpenID Connect Discovery presumes when a provider lists none.
    const auth = oidcClientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(oidcClientSecret);
    pending = oidc.discovery(issuer, oidcClientId, undefined, auth, {
      // An http:// issuer (a local test provider) only when configured so explicitly.
      ...(issuer.protocol === 'http:' && { execute: [oidc.allowInsecureRequests] }),
      timeout: 10,
    });
    providers.set(ctx, pending);
    pending.catch(() => providers.delete(ctx));
  }
  try {
    return await pending;
  } catch {
    throw new AppError('unavailable', 'the sign-in provider cannot be reached; try again later');
  }
}

function isUnreachable(e: unknown): boolean {
  return e instanceof TypeError && /fetch failed/i.test(e.message);
}

const HANDLE_ATTEMPTS = 5;

/** The account linked to (issuer, subject), made on first sign-in. Two first sign-ins at once end with one account. */
async function accountFor(ctx: ServiceContext, issuer: string, subject: string): Promise<string> {
  const linked = await findIdentity(ctx.store.db, issuer, subject);
  if (linked !== undefined) return linked.contributor_id;
  try {
    return await ctx.store.write(async (trx) => {
      const again = await findIdentity(trx, issuer, subject);
      if (again !== undefined) return again.contributor_id;
      for (let attempt = 0; attempt < HANDLE_ATTEMPTS; attempt++) {
        const handle = generatedHandle();
        if ((await findContributorByHandle(trx, handle)) !== undefined) continue;
        const contributor = newContributor(ctx, handle);
        await insertContributor(trx, { ...contributor, password_hash: null });
        await insertIdentity(trx, { issuer, subject, contributor_id: contributor.id, created_at: timestamp(ctx) });
        return contributor.id;
      }
      throw new AppError('conflict', 'no free handle was found; try again');
    });
  } catch (e) {
    const winner = await findIdentity(ctx.store.db, issuer, subject);
    if (winner !== undefined) return winner.contributor_id;
    throw e;
  }
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** `person-` and 10 random characters (50 bits): a pseudonym, never the provider's name or e-mail. */
function generatedHandle(): string {
  return `person-${[...randomBytes(10)].map((b) => BASE32[b % 32]).join('')}`;
}
