import type { ApiKey, ApiKeyInput, ApiKeyScope, CreatedApiKey, Role } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import { findApiKey, insertApiKey, listApiKeys as listApiKeyRows, revokeApiKey as revokeApiKeyRow, toApiKey } from '../store/credential-repository.js';
import { formatApiKey } from './authentication.js';
import { timestamp, type ServiceContext } from './context.js';
import { isAdmin, requireScope, type Principal } from './principal.js';
import { newSecret, sha256 } from './secrets.js';

/** Scopes that need more than the contributor role. */
const SCOPE_NEEDS: Partial<Record<ApiKeyScope, Role[]>> = { 'models:write': ['trainer', 'admin'], admin: ['admin'] };

/**
 * Makes a key for programs. Only a signed-in person can make one (a leaked key cannot mint more),
 * and only with scopes their roles allow. The secret is returned here once and stored hashed.
 */
export async function createApiKey(ctx: ServiceContext, principal: Principal, input: ApiKeyInput): Promise<CreatedApiKey> {
  if (principal.via !== 'session') throw new AppError('forbidden', 'API keys can only be created from a signed-in session');
  for (const scope of input.scopes) {
    const needs = SCOPE_NEEDS[scope];
    if (needs !== undefined && !needs.some((r) => principal.roles.includes(r))) {
      throw new AppError('forbidden', `the "${scope}" scope needs one of the roles: ${needs.join(', ')}`);
    }
  }
  const id = ctx.newId();
  const secret = newSecret();
  const key = { id, contributor_id: principal.contributorId, name: input.name, secret_hash: sha256(secret), scopes: [...new Set(input.scopes)], created_at: timestamp(ctx), revoked_at: null };
  await insertApiKey(ctx.store.db, key);
  return { id, name: key.name, scopes: key.scopes, created_at: key.created_at, revoked_at: null, key: formatApiKey(id, secret) };
}

export async function listApiKeys(ctx: ServiceContext, principal: Principal): Promise<ApiKey[]> {
  requireScope(principal, 'read');
  return (await listApiKeyRows(ctx.store.db, principal.contributorId)).map(toApiKey);
}

/**
 * Revokes at once: the next request with the key is refused. Owners revoke their keys in a session,
 * admins any key; a program may revoke the key it holds (a key that knows it leaked), but no other.
 */
export async function revokeApiKey(ctx: ServiceContext, principal: Principal, id: string): Promise<ApiKey> {
  if (principal.via === 'api_key' && principal.keyId !== id) requireScope(principal, 'admin');
  const row = await findApiKey(ctx.store.db, id);
  if (row === undefined || (row.contributor_id !== principal.contributorId && !isAdmin(principal))) throw notFound('API key');
  await revokeApiKeyRow(ctx.store.db, id, timestamp(ctx));
  ctx.principals.forgetWhere((p) => p.keyId === id);
  return toApiKey((await findApiKey(ctx.store.db, id))!);
}
