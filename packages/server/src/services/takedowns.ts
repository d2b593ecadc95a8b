import { z } from 'zod';
import { Id } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import { findConversation, findMessages } from '../store/conversation-repository.js';
import type { Db } from '../store/store.js';
import type { TakedownReportTable } from '../store/schema.js';
import { contentRemovalSet, findTakedownReport, idPage, insertTakedownReport, listTakedownReports, markRemoved, recordTakedownDecision } from '../store/takedown-repository.js';
import { audit } from './audit.js';
import { timestamp, type ServiceContext } from './context.js';
import { forgetPoolIndexes } from './pool-model.js';
import { requireModerator, type Principal } from './principal.js';
import { scrub } from './privacy-gate.js';
import { poolSecret, publicId } from './public-ids.js';
import { layTombstones } from './tombstones.js';

export const TakedownReason = z.enum(['privacy', 'copyright', 'harm']);

export const TakedownInput = z.strictObject({
  /** A conversation or message: its id in this pool, or its public id in a release (`c_…`, `m_…`). */
  record_id: z.string().min(1).max(200),
  reason: TakedownReason,
  details: z.string().trim().min(1, 'say what is wrong, so that a moderator can decide').max(5000),
});
export type TakedownInput = z.infer<typeof TakedownInput>;

export const TakedownDecision = z.strictObject({
  decision: z.enum(['uphold', 'reject']),
  reason: z.string().trim().min(1, 'a decision is logged with its reason').max(2000),
});
export type TakedownDecision = z.infer<typeof TakedownDecision>;

export const TakedownReport = z.object({
  id: Id,
  conversation_id: Id,
  message_id: Id.nullable(),
  reason: TakedownReason,
  details: z.string(),
  status: z.enum(['open', 'upheld', 'rejected']),
  created_at: z.string(),
  decided_at: z.string().nullable(),
  decision_reason: z.string().nullable(),
});
export type TakedownReport = z.infer<typeof TakedownReport>;

function toReport(r: TakedownReportTable): TakedownReport {
  return { id: r.id, conversation_id: r.conversation_id, message_id: r.message_id, reason: r.reason as TakedownReport['reason'], details: r.details, status: r.status as TakedownReport['status'], created_at: r.created_at, decided_at: r.decided_at, decision_reason: r.decision_reason };
}

/**
 * Anyone (signed in or not) reports a conversation or message for privacy, copyright or harm. The
 * report's text passes the privacy gate like any other; moderators decide in their queue.
 */
export async function fileTakedown(ctx: ServiceContext, principal: Principal | null, input: TakedownInput): Promise<TakedownReport> {
  const target = await resolveTarget(ctx.store.db, input.record_id);
  if (target === undefined) throw new AppError('invalid_reference', 'no conversation or message has this id', 'record_id');
  const row: TakedownReportTable = {
    id: ctx.newId(),
    conversation_id: target.conversation_id,
    message_id: target.message_id,
    reason: input.reason,
    details: scrub(input.details).text,
    reporter_id: principal?.contributorId ?? null,
    status: 'open',
    created_at: timestamp(ctx),
    decided_at: null,
    decided_by: null,
    decision_reason: null,
  };
  await ctx.store.write((trx) => insertTakedownReport(trx, row));
  return toReport(row);
}

export async function listTakedowns(ctx: ServiceContext, principal: Principal, status: string | undefined, limit: number): Promise<TakedownReport[]> {
  requireModerator(principal, 'the takedown queue');
  return (await listTakedownReports(ctx.store.db, status, undefined, limit)).map(toReport);
}

/**
 * A moderator's decision. Upholding removes the reported message (and what follows from it) or the
 * whole conversation, with the feedback on it, from the pool and every later release, and lays
 * tombstones for mirrors. Either way the decision and its reason go to the audit log.
 */
export async function decideTakedown(ctx: ServiceContext, principal: Principal, id: string, d: TakedownDecision): Promise<TakedownReport> {
  requireModerator(principal, 'deciding a takedown');
  const decided = await ctx.store.write(async (trx) => {
    const report = await findTakedownReport(trx, id);
    if (report === undefined) throw notFound('takedown report');
    if (report.status !== 'open') throw new AppError('conflict', `this report was already ${report.status}`);
    const status = d.decision === 'uphold' ? 'upheld' : 'rejected';
    const now = timestamp(ctx);
    await recordTakedownDecision(trx, id, { status, decided_at: now, decided_by: principal.contributorId, decision_reason: d.reason });
    let removed = { conversations: [] as string[], messages: [] as string[], feedback: [] as string[] };
    if (status === 'upheld') {
      removed = await contentRemovalSet(trx, report.conversation_id, report.message_id);
      await layTombstones(ctx, trx, removed, 'takedown');
      await markRemoved(trx, removed);
    }
    await audit(ctx, trx, principal, {
      action: `takedown.${d.decision}`,
      target_kind: report.message_id === null ? 'conversation' : 'message',
      target_id: report.message_id ?? report.conversation_id,
      reason: d.reason,
      details: { report_id: id, report_reason: report.reason, removed: { conversations: removed.conversations.length, messages: removed.messages.length, feedback: removed.feedback.length } },
    });
    return { ...report, status, decided_at: now, decided_by: principal.contributorId, decision_reason: d.reason };
  });
  if (decided.status === 'upheld') forgetPoolIndexes(ctx);
  return toReport(decided);
}

/** An internal id, or a release's public id found by hashing the pool's ids (reports are rare). */
async function resolveTarget(db: Db, recordId: string): Promise<{ conversation_id: string; message_id: string | null } | undefined> {
  const conversation = await findConversation(db, recordId);
  if (conversation !== undefined) return { conversation_id: conversation.id, message_id: null };
  const [message] = await findMessages(db, [recordId]);
  if (message !== undefined) return { conversation_id: message.conversation_id, message_id: message.id };
  const kind = recordId.startsWith('c_') ? 'conversation' : recordId.startsWith('m_') ? 'message' : undefined;
  if (kind === undefined) return undefined;
  const secret = await poolSecret(db);
  let after: string | null = null;
  for (;;) {
    const page = await idPage(db, kind === 'conversation' ? 'conversations' : 'messages', after, 5000);
    if (page.length === 0) return undefined;
    const hit = page.find((r) => publicId(secret, kind, r.id) === recordId);
    if (hit !== undefined) return { conversation_id: hit.conversation_id, message_id: kind === 'message' ? hit.id : null };
    after = page.at(-1)!.id;
  }
}
