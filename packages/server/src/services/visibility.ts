import { POOL_READER_ROLES, hasAnyRole } from '@openfeedback/core';
import { servedConversationIds } from '../store/queue-repository.js';
import type { Db } from '../store/store.js';
import type { Principal } from './principal.js';

/**
 * Who may read what, in one place. Contributions are private to their author until they are
 * released, except to the roles that review the pool, and except that a conversation the
 * rate-the-pool queue served to someone is readable by that rater (and open to their third-party
 * feedback) — that conversation only, not the other feedback on it.
 */
export function readsWholePool(p: Principal): boolean {
  return hasAnyRole(p.roles, POOL_READER_ROLES) && (p.scopes === null || p.scopes.includes('read') || p.scopes.includes('admin'));
}

export function canReadContribution(p: Principal, authorId: string): boolean {
  return authorId === p.contributorId || readsWholePool(p);
}

/** A conversation: its author, the pool's readers, and the rater the queue served it to. */
export async function canReadConversation(db: Db, p: Principal, conversation: { id: string; contributor_id: string }): Promise<boolean> {
  if (canReadContribution(p, conversation.contributor_id)) return true;
  return (await servedConversationIds(db, p.contributorId, [conversation.id])).has(conversation.id);
}

/** The same for many conversations at once (bulk ingest): the ids of those the principal may read. */
export async function readableConversationIds(db: Db, p: Principal, conversations: readonly { id: string; contributor_id: string }[]): Promise<Set<string>> {
  const readable = new Set(conversations.filter((c) => canReadContribution(p, c.contributor_id)).map((c) => c.id));
  const others = conversations.filter((c) => !readable.has(c.id)).map((c) => c.id);
  for (const id of others.length === 0 ? [] : await servedConversationIds(db, p.contributorId, others)) readable.add(id);
  return readable;
}

/**
 * The author filter a listing must apply: everything for pool readers (narrowed by what they asked
 * for), only their own for everyone else.
 */
export function authorScope(p: Principal, requested: string | undefined): string | undefined {
  return readsWholePool(p) ? requested : p.contributorId;
}
