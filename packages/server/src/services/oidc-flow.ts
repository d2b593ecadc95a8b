import { createHash, randomBytes } from 'node:crypto';

/*
 * The state of one OpenID Connect sign-in between its start and the provider's callback, kept in
 * the browser that started it (an HttpOnly cookie) rather than on the server: starting a sign-in
 * writes nothing, any server process can finish it, and nothing needs cleaning up.
 *
 * The cookie holds one random seed (256 bits), the same-origin path to return to and the start time.
 * The `state`, `nonce` and PKCE `code_verifier` are derived from the seed by SHA-256 with distinct
 * labels, so the values that travel through the provider and the browser's address bar (state,
 * and the challenge of the verifier) reveal neither the verifier nor the seed. Tampering with the
 * cookie gains nothing: it is the person's own sign-in, and the code is redeemed only with the
 * verifier the provider saw the challenge of, for an ID token that carries the nonce.
 */

/** How long a started sign-in may take at the provider. */
export const FLOW_SECONDS = 600;

export interface OidcFlow {
  seed: string;
  returnTo: string;
  /** Seconds since the epoch when the sign-in started. */
  startedAt: number;
}

export interface FlowSecrets {
  state: string;
  nonce: string;
  codeVerifier: string;
}

const SEED = /^[A-Za-z0-9_-]{43}$/;

export function newFlow(returnTo: string, now: Date): OidcFlow {
  return { seed: randomBytes(32).toString('base64url'), returnTo, startedAt: Math.floor(now.getTime() / 1000) };
}

/** 43 base64url characters each: a valid PKCE verifier (RFC 7636 §4.1), and unguessable state and nonce. */
export function flowSecrets(flow: OidcFlow): FlowSecrets {
  const derive = (label: string) => createHash('sha256').update(`openfeedback-oidc:${label}:${flow.seed}`).digest('base64url');
  return { state: derive('state'), nonce: derive('nonce'), codeVerifier: derive('pkce') };
}

export function encodeFlow(flow: OidcFlow): string {
  return Buffer.from(JSON.stringify({ s: flow.seed, r: flow.returnTo, t: flow.startedAt })).toString('base64url');
}

/** The flow a cookie holds, if it is well-formed and not expired; `isSafePath` re-checks the return path. */
export function decodeFlow(cookie: string | undefined, now: Date, isSafePath: (path: string) => boolean): OidcFlow | undefined {
  if (cookie === undefined || cookie.length > 4096) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cookie, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const { s, r, t } = (raw ?? {}) as { s?: unknown; r?: unknown; t?: unknown };
  if (typeof s !== 'string' || !SEED.test(s) || typeof r !== 'string' || !isSafePath(r) || typeof t !== 'number' || !Number.isInteger(t)) return undefined;
  const age = Math.floor(now.getTime() / 1000) - t;
  if (age < -60 || age > FLOW_SECONDS) return undefined;
  return { seed: s, returnTo: r, startedAt: t };
}
