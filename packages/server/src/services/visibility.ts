import { POOL_READER_ROLES, hasAnyRole } from '@openfeedback/core';
import type { Principal } from './principal.js';

/**
 * Who may read what, in one place. Contributions are private to their author until they are
 * released, except to the roles that review the pool.
 */
export function readsWholePool(p: Principal): boolean {
  return hasAnyRole(p.roles, POOL_READER_ROLES) && (p.scopes === null || p.scopes.includes('read') || p.scopes.includes('admin'));
}

export function canReadContribution(p: Principal, authorId: string): boolean {
  return authorId === p.contributorId || readsWholePool(p);
}

/**
 * The author filter a listing must apply: everything for pool readers (narrowed by what they asked
 * for), only their own for everyone else.
 */
export function authorScope(p: Principal, requested: string | undefined): string | undefined {
  return readsWholePool(p) ? requested : p.contributorId;
}
