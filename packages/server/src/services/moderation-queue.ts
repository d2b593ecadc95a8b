import { ModerationItem, ModerationSignal, ModerationDecision } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import { decideModerationItem as recordDecision, findModerationItem, flagReasons, listModerationItems, raiseModerationItem } from '../store/moderation-repository.js';
import { restrictContributor } from '../store/quality-repository.js';
import type { ModerationItemTable } from '../store/schema.js';
import type { Db } from '../store/store.js';
import { contentRemovalSet, markRemoved, type RemovalSet } from '../store/takedown-repository.js';
import { audit } from './audit.js';
import { timestamp, type ServiceContext } from './context.js';
import { decodeCursor, toPage } from './listing.js';
import { forgetPoolIndexes } from './pool-model.js';
import { requireModerator, requireRole, requireScope, type Principal } from './principal.js';
import { layTombstones } from './tombstones.js';


const REVIEWERS = ['reviewer', 'moderator', 'admin'] as const;
const STATUS_OF = { dismiss: 'dismissed', remove_content: 'removed', restrict_account: 'restricted' } as const;

async function toItem(db: Db, r: ModerationItemTable): Promise<ModerationItem> {
  const evidence = JSON.parse(r.details) as Record<string, unknown>;
  if (r.signal === 'flag' && r.conversation_id !== null) evidence.reasons = await flagReasons(db, r.conversation_id, r.message_id);
  return {
    id: r.id,
    subject: r.subject as ModerationItem['subject'],
    signal: r.signal as ModerationSignal,
    contributor_id: r.contributor_id,
    conversation_id: r.conversation_id,
    message_id: r.message_id,
    evidence,
    status: r.status as ModerationItem['status'],
    created_at: r.created_at,
    decided_at: r.decided_at,
    decided_by: r.decided_by,
    decision_reason: r.decision_reason,
  };
}

/**
 * A `flag` event puts its conversation (or message) in the moderation queue, once: later flags on
 * it add to the reasons counted when the queue is read.
 */
export async function raiseFlag(ctx: ServiceContext, trx: Db, flag: { conversation_id: string; message_id: string | null; reason: string }, authorId: string): Promise<void> {
  await raiseModerationItem(trx, {
    id: ctx.newId(),
    dedupe_key: `flag:${flag.conversation_id}:${flag.message_id ?? '-'}`,
    subject: 'conversation',
    signal: 'flag',
    contributor_id: authorId,
    conversation_id: flag.conversation_id,
    message_id: flag.message_id,
    details: JSON.stringify({ first_reason: flag.reason }),
    status: 'open',
    created_at: timestamp(ctx),
    decided_at: null,
    decided_by: null,
    decision_reason: null,
  });
}

/** A signal of the quality pass on an account: queued once per account and signal (a decided one is not raised again). */
export async function raiseAccountSignal(ctx: ServiceContext, trx: Db, contributorId: string, signal: ModerationSignal, evidence: Record<string, unknown>): Promise<boolean> {
  return raiseModerationItem(trx, {
    id: ctx.newId(),
    dedupe_key: `account:${contributorId}:${signal}`,
    subject: 'account',
    signal,
    contributor_id: contributorId,
    conversation_id: null,
    message_id: null,
    details: JSON.stringify(evidence),
    status: 'open',
    created_at: timestamp(ctx),
    decided_at: null,
    decided_by: null,
    decision_reason: null,
  });
}

/** The queue, oldest first (reviewers, moderators, admins). */
export async function listModerationQueue(
  ctx: ServiceContext,
  principal: Principal,
  filter: { status?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: ModerationItem[]; next_cursor: string | null }> {
  requireRole(principal, REVIEWERS, 'the moderation queue');
  requireScope(principal, 'read');
  const after = decodeCursor(filter.cursor);
  const rows = await listModerationItems(ctx.store.db, filter.status, after, filter.limit + 1);
  const page = toPage(rows, filter.limit, (r) => r);
  return { items: await Promise.all(page.items.map((r) => toItem(ctx.store.db, r))), next_cursor: page.next_cursor };
}

/**
 * A decision on a queued item, logged with its reason. Reviewers may dismiss; removing content and
 * restricting accounts are for moderators and admins. Removal marks the records removed (they leave
 * the pool and later releases) and lays tombstones for mirrors, as an upheld takedown does.
 */
export async function decideModeration(ctx: ServiceContext, principal: Principal, id: string, d: ModerationDecision): Promise<ModerationItem> {
  requireRole(principal, REVIEWERS, 'deciding on the moderation queue');
  requireScope(principal, 'admin');
  if (d.decision !== 'dismiss') requireModerator(principal, d.decision === 'remove_content' ? 'removing content' : 'restricting an account');
  const decided = await ctx.store.write(async (trx) => {
    const item = await findModerationItem(trx, id);
    if (item === undefined) throw notFound('moderation item');
    if (item.status !== 'open') throw new AppError('conflict', `this item was already ${item.status}`);
    const now = timestamp(ctx);
    let removed = { conversations: [] as string[], messages: [] as string[], feedback: [] as string[] };
    if (d.decision === 'remove_content') {
      removed = await contentOf(trx, item);
      await layTombstones(ctx, trx, removed, 'takedown');
      await markRemoved(trx, removed);
    }
    if (d.decision === 'restrict_account') {
      if (item.contributor_id === null) throw new AppError('conflict', 'this item names no account');
      await restrictContributor(trx, item.contributor_id, now, d.reason);
    }
    const status = STATUS_OF[d.decision];
    if ((await recordDecision(trx, id, { status, decided_at: now, decided_by: principal.contributorId, decision_reason: d.reason })) === 0) {
      throw new AppError('conflict', 'this item was decided meanwhile');
    }
    await audit(ctx, trx, principal, {
      action: `moderation.${d.decision}`,
      target_kind: d.decision === 'restrict_account' || item.subject === 'account' ? 'contributor' : item.message_id === null ? 'conversation' : 'message',
      target_id: d.decision === 'restrict_account' || item.subject === 'account' ? item.contributor_id : (item.message_id ?? item.conversation_id),
      reason: d.reason,
      details: { item_id: id, signal: item.signal, removed: { conversations: removed.conversations.length, messages: removed.messages.length, feedback: removed.feedback.length } },
    });
    return { ...item, status, decided_at: now, decided_by: principal.contributorId, decision_reason: d.reason };
  });
  if (d.decision === 'remove_content') forgetPoolIndexes(ctx);
  return toItem(ctx.store.db, decided);
}

/**
 * What "remove content" removes: a flagged message (and what follows from it) or conversation; for
 * an account, the conversations whose prompts it duplicated, or else its votes (thumbs and ratings).
 */
async function contentOf(trx: Db, item: ModerationItemTable): Promise<RemovalSet> {
  if (item.conversation_id !== null) return contentRemovalSet(trx, item.conversation_id, item.message_id);
  const evidence = JSON.parse(item.details) as { conversation_ids?: string[] };
  if (item.contributor_id === null) return { conversations: [], messages: [], feedback: [] };
  if (Array.isArray(evidence.conversation_ids) && evidence.conversation_ids.length > 0) {
    // Only the account's own conversations, still active.
    const conversations = (
      await trx.selectFrom('conversations').select('id').where('id', 'in', evidence.conversation_ids).where('contributor_id', '=', item.contributor_id).where('status', '=', 'active').execute()
    ).map((c) => c.id);
    if (conversations.length === 0) return { conversations, messages: [], feedback: [] };
    const messages = (await trx.selectFrom('messages').select('id').where('conversation_id', 'in', conversations).execute()).map((m) => m.id);
    const feedback = (await trx.selectFrom('feedback').select('id').where('conversation_id', 'in', conversations).execute()).map((f) => f.id);
    return { conversations, messages, feedback };
  }
  const votes = await trx.selectFrom('feedback').select('id').where('contributor_id', '=', item.contributor_id).where('kind', 'in', ['thumbs', 'rating']).where('status', '=', 'active').execute();
  return { conversations: [], messages: [], feedback: votes.map((v) => v.id) };
}
