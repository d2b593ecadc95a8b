import type { ConversationWithMessages, Demographics, Expertise } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import { findCommunity, listCommunities } from '../store/community-repository.js';
import { findContributorById } from '../store/contributor-repository.js';
import { listMessages, toConversation, toMessage } from '../store/conversation-repository.js';
import { parseJson } from '../store/json-column.js';
import { isRestricted } from '../store/quality-repository.js';
import { findGoldConversation, findNeediestConversation, insertAssignment, lockRater, servedCount, type QueuePick } from '../store/queue-repository.js';
import type { ContributorTable } from '../store/schema.js';
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
 * findNeediestConversation for the order: below its target of independent raters first, in the
 * rater's languages and expertise, the fewest raters…), or, at the rate `queueGoldRate`, a gold
 * item (an answer whose verdict is known, which measures the rater); it records that it was served,
 * which lets the caller read it and give it third-party feedback. Null when nothing is left for
 * them. Needs no model endpoint. Serving leads to contributions, so it needs consent like any write;
 * an account a moderator restricted is served nothing.
 */
export async function serveNextConversation(ctx: ServiceContext, principal: Principal, request: QueueRequest): Promise<ConversationWithMessages | null> {
  requireScope(principal, 'read');
  requireScope(principal, 'feedback:write');
  return ctx.store.write(async (trx) => {
    await requireActiveConsent(trx, principal.contributorId);
    if (await isRestricted(trx, principal.contributorId)) throw new AppError('forbidden', 'a moderator restricted this account: the queue serves it nothing');
    await lockRater(trx, ctx.store.kind, principal.contributorId);
    let communityId: string | undefined;
    if (request.community_id !== undefined) {
      const community = await findCommunity(trx, request.community_id);
      if (community === undefined) throw new AppError('invalid_reference', 'no such community', 'community_id');
      communityId = community.id;
    }
    const rater = await findContributorById(trx, principal.contributorId);
    if (rater === undefined) throw notFound('contributor');
    const pick: QueuePick = {
      raterId: principal.contributorId,
      communityId,
      languages: readsLanguages(rater),
      expertCommunityIds: await expertCommunities(trx, parseJson<Expertise[]>(rater.expertise)),
      target: { ratings: ctx.config.queueTargetRatings, extraOnDisagreement: ctx.config.queueExtraRatingsOnDisagreement, disagreementThreshold: ctx.config.queueDisagreementThreshold },
    };
    const goldTurn = isGoldTurn(await servedCount(trx, principal.contributorId), ctx.config.queueGoldRate);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const conversation = (goldTurn ? await findGoldConversation(trx, pick) : undefined) ?? (await findNeediestConversation(trx, pick));
      if (conversation === undefined) return null;
      const served = await insertAssignment(trx, { contributor_id: principal.contributorId, conversation_id: conversation.id, served_at: timestamp(ctx) });
      if (!served) continue;
      const messages = await listMessages(trx, conversation.id);
      return { ...toConversation(conversation), messages: messages.map(toMessage) };
    }
    throw new AppError('conflict', 'other requests of yours took the next items at the same moment; ask again');
  });
}

/**
 * Whether the rater's next serving (they were served `served` before) is a gold one: the 1st, and
 * then one in every 1/rate (at 0.1: the 1st, 11th, 21st…), so that a new account meets a gold item
 * at once. The small epsilon keeps products like 30 × 0.1 = 3.0000000000000004 on their integer.
 */
export function isGoldTurn(served: number, rate: number): boolean {
  if (rate <= 0) return false;
  return Math.ceil((served + 1) * rate - 1e-9) > Math.ceil(served * rate - 1e-9);
}

/** The base subtags of the languages the rater says they read (`pt-BR` → `pt`). */
function readsLanguages(row: ContributorTable): string[] {
  const tags = parseJson<Demographics>(row.demographics).languages ?? [];
  return [...new Set(tags.map((t) => t.split('-')[0]!.toLowerCase()))];
}

/**
 * The communities the rater's self-reported expertise names: a domain matching a community's slug
 * or name, or one of their words (`medicine` matches `medicine`, `Medicine` and `pt-medicine`).
 */
async function expertCommunities(db: Db, expertise: readonly Expertise[]): Promise<string[]> {
  if (expertise.length === 0) return [];
  const domains = new Set(expertise.map((e) => words(e.domain).join(' ')));
  return (await listCommunities(db))
    .filter((c) => [c.slug, c.name].some((text) => domains.has(words(text).join(' ')) || words(text).some((w) => domains.has(w))))
    .map((c) => c.id);
}

const words = (text: string) => text.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
