import type { ConversationWithMessages, Demographics } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import { findCommunity } from '../store/community-repository.js';
import { findContributorById } from '../store/contributor-repository.js';
import { listMessages, toConversation, toMessage } from '../store/conversation-repository.js';
import { parseJson } from '../store/json-column.js';
import { findNeediestConversation, insertAssignment, lockRater } from '../store/queue-repository.js';
import type { Db } from '../store/store.js';
import { requireActiveConsent } from './consent.js';
import { timestamp, type ServiceContext } from './context.js';
import { requireScope, type Principal } from './principal.js';

export interface QueueRequest {
  /** A community's id or slug: only its conversations. */
  community_id?: string | undefined;
}

/** Requests of one rater take turns (lockRater); should two still pick one item, the loser picks again. */
const ATTEMPTS = 3;

/**
 * Rate the pool: serves the caller the conversation that most needs a third party's feedback (see
 * findNeediestConversation for the order) and records that it was served, which lets the caller
 * read it and give it third-party feedback. Null when nothing is left for them. Needs no model
 * endpoint. Serving leads to contributions, so it needs consent like any write.
 */
export async function serveNextConversation(ctx: ServiceContext, principal: Principal, request: QueueRequest): Promise<ConversationWithMessages | null> {
  requireScope(principal, 'read');
  requireScope(principal, 'feedback:write');
  return ctx.store.write(async (trx) => {
    await requireActiveConsent(trx, principal.contributorId);
    await lockRater(trx, ctx.store.kind, principal.contributorId);
    let communityId: string | undefined;
    if (request.community_id !== undefined) {
      const community = await findCommunity(trx, request.community_id);
      if (community === undefined) throw new AppError('invalid_reference', 'no such community', 'community_id');
      communityId = community.id;
    }
    const languages = await readsLanguages(trx, principal.contributorId);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const conversation = await findNeediestConversation(trx, { raterId: principal.contributorId, communityId, languages });
      if (conversation === undefined) return null;
      const served = await insertAssignment(trx, { contributor_id: principal.contributorId, conversation_id: conversation.id, served_at: timestamp(ctx) });
      if (!served) continue;
      const messages = await listMessages(trx, conversation.id);
      return { ...toConversation(conversation), messages: messages.map(toMessage) };
    }
    throw new AppError('conflict', 'other requests of yours took the next items at the same moment; ask again');
  });
}

/** The base subtags of the languages the rater says they read (`pt-BR` → `pt`). */
async function readsLanguages(db: Db, contributorId: string): Promise<string[]> {
  const row = await findContributorById(db, contributorId);
  if (row === undefined) throw notFound('contributor');
  const tags = parseJson<Demographics>(row.demographics).languages ?? [];
  return [...new Set(tags.map((t) => t.split('-')[0]!.toLowerCase()))];
}
