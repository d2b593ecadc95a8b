import { hasAnyRole, type ApiKeyScope, type Role } from '@openfeedback/core';
import { AppError } from '../errors.js';

/** Who is asking: a signed-in person (session) or a program holding one of their API keys. */
export interface Principal {
  readonly contributorId: string;
  readonly roles: readonly Role[];
  readonly via: 'session' | 'api_key';
  readonly keyId: string | null;
  /** The key's scopes; null for a session, which may do whatever its roles allow. */
  readonly scopes: readonly ApiKeyScope[] | null;
}

/** The id idempotency keys and rate limits are counted under: each API key separately, else the account. */
export function principalKey(p: Principal): string {
  return p.keyId === null ? accountPrincipalKey(p.contributorId) : apiKeyPrincipalKey(p.keyId);
}

export const accountPrincipalKey = (contributorId: string) => `c:${contributorId}`;
export const apiKeyPrincipalKey = (keyId: string) => `k:${keyId}`;

/** Throws unless an API key carries this scope (sessions pass). */
export function requireScope(p: Principal, scope: ApiKeyScope): void {
  if (p.scopes !== null && !p.scopes.includes(scope) && !p.scopes.includes('admin')) {
    throw new AppError('forbidden', `this API key lacks the "${scope}" scope`);
  }
}

export function requireRole(p: Principal, roles: readonly Role[], doing: string): void {
  if (!hasAnyRole(p.roles, roles)) throw new AppError('forbidden', `${doing} needs one of the roles: ${roles.join(', ')}`);
}

export const isAdmin = (p: Principal) => p.roles.includes('admin') && (p.scopes === null || p.scopes.includes('admin'));

/** Moderators and admins, in a session or with a key that has the `admin` scope. */
export function requireModerator(p: Principal, doing: string): void {
  requireRole(p, ['moderator', 'admin'], doing);
  requireScope(p, 'admin');
}

export function requireAdmin(p: Principal, doing: string): void {
  requireRole(p, ['admin'], doing);
  requireScope(p, 'admin');
}

/**
 * The operator at the command line (`openfeedback import`, `export`, …): whoever can run the
 * command can open the database anyway, so it acts as an admin. Never used by the HTTP API.
 */
export const OPERATOR: Principal = Object.freeze({ contributorId: 'operator', roles: ['admin'] as const, via: 'session' as const, keyId: null, scopes: null });
