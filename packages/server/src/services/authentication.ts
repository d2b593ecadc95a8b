import { findActiveApiKey, findLiveSession } from '../store/credential-repository.js';
import type { ServiceContext } from './context.js';
import type { Principal } from './principal.js';
import { sameDigest, sha256 } from './secrets.js';

/** API keys read `ofk_<id>_<secret>`: the id finds the row, the secret is checked against its hash. */
const API_KEY_PATTERN = /^ofk_([A-Za-z0-9-]{1,64})_([A-Za-z0-9_-]{20,128})$/;

export function formatApiKey(id: string, secret: string): string {
  return `ofk_${id}_${secret}`;
}

/** The principal behind a session cookie, or undefined when it is unknown or expired. */
export async function principalFromSession(ctx: ServiceContext, token: string): Promise<Principal | undefined> {
  const digest = sha256(token);
  const cached = ctx.principals.get(digest);
  if (cached !== undefined) return cached;
  const owner = await findLiveSession(ctx.store.db, digest, ctx.now().toISOString());
  if (owner === undefined) return undefined;
  const principal: Principal = { contributorId: owner.contributor_id, roles: owner.roles, via: 'session', keyId: null, scopes: null };
  ctx.principals.set(digest, principal);
  return principal;
}

/** The principal behind an API key, or undefined when it is malformed, unknown or revoked. */
export async function principalFromApiKey(ctx: ServiceContext, key: string): Promise<Principal | undefined> {
  const match = API_KEY_PATTERN.exec(key);
  if (match === null) return undefined;
  const [, id, secret] = match as unknown as [string, string, string];
  const digest = sha256(secret);
  const cached = ctx.principals.get(digest);
  if (cached !== undefined && cached.keyId === id) return cached;
  const row = await findActiveApiKey(ctx.store.db, id);
  if (row === undefined || !sameDigest(row.secret_hash, digest)) return undefined;
  const principal: Principal = { contributorId: row.contributor_id, roles: row.roles, via: 'api_key', keyId: id, scopes: row.scopes };
  ctx.principals.set(digest, principal);
  return principal;
}
