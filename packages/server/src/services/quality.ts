import { MyQuality, ConversationLabels, SuspiciousAccount } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import { findConversation, listMessages } from '../store/conversation-repository.js';
import { findQuality, listSuspicious } from '../store/quality-repository.js';
import { labelsOfConversations } from './answer-labels.js';
import { findContributorById } from '../store/contributor-repository.js';
import type { ServiceContext } from './context.js';
import { remainingDailyFeedback } from './daily-cap.js';
import { requireModerator, requireRole, requireScope, type Principal } from './principal.js';


/** The caller's own quality figures: nobody else's (moderators see those on the suspicious board). */
export async function myQuality(ctx: ServiceContext, principal: Principal): Promise<MyQuality> {
  requireScope(principal, 'read');
  return qualityFiguresOf(ctx, principal.contributorId);
}

/** A person's quality figures as they may see them (also part of their data export). */
export async function qualityFiguresOf(ctx: ServiceContext, contributorId: string): Promise<MyQuality> {
  const db = ctx.store.db;
  const [q, me] = await Promise.all([findQuality(db, contributorId), findContributorById(db, contributorId)]);
  if (me === undefined) throw notFound('contributor');
  const remaining = await remainingDailyFeedback(ctx, db, contributorId);
  const ratio = (a: number, n: number) => (n === 0 ? null : a / n);
  return {
    contributor_id: contributorId,
    trust: me.trust,
    gold: { answers: q?.gold_answers ?? 0, correct: q?.gold_correct ?? 0, accuracy: ratio(q?.gold_correct ?? 0, q?.gold_answers ?? 0) },
    consensus: { votes: q?.consensus_votes ?? 0, agreements: q?.consensus_agreements ?? 0, agreement_rate: ratio(q?.consensus_agreements ?? 0, q?.consensus_votes ?? 0) },
    votes: { up: q?.votes_up ?? 0, down: q?.votes_down ?? 0 },
    daily_feedback: { cap: ctx.config.dailyFeedbackCap === 0 ? null : ctx.config.dailyFeedbackCap, remaining: Number.isFinite(remaining) ? Math.max(0, remaining) : null },
    restricted: q?.restricted_at != null,
    computed_at: q?.computed_at ?? null,
  };
}


/**
 * The aggregated label of each answer of a conversation: every person's latest thumbs or overall
 * rating, weighted by voteWeight(their trust) (restricted accounts: nothing), with its confidence
 * (services/answer-labels.ts: the same labels the exports and releases carry).
 * Read by those who review the pool (reviewers, moderators, admins).
 */
export async function conversationLabels(ctx: ServiceContext, principal: Principal, conversationId: string): Promise<ConversationLabels> {
  requireRole(principal, ['reviewer', 'moderator', 'admin'], 'aggregated labels');
  requireScope(principal, 'read');
  const db = ctx.store.db;
  const conversation = await findConversation(db, conversationId);
  if (conversation === undefined) throw notFound('conversation');
  const labels = (await labelsOfConversations(db, [conversation.id])).get(conversation.id);
  const answers = (await listMessages(db, conversation.id)).filter((m) => m.role === 'assistant' && m.status === 'active');
  return {
    conversation_id: conversation.id,
    answers: answers.map((m) => {
      const l = labels?.get(m.id);
      return {
        message_id: m.id,
        model_id: m.model_id,
        label: l?.label ?? null,
        confidence: l?.confidence ?? 0,
        votes: l?.raters ?? 0,
        weights: l?.weights ?? { up: 0, down: 0 },
        majority: l?.majority ?? null,
      };
    }),
  };
}


/** The most suspicious accounts, by score, with the evidence (moderators and admins). */
export async function suspiciousAccounts(ctx: ServiceContext, principal: Principal, filter: { limit: number; min_score: number }): Promise<SuspiciousAccount[]> {
  requireModerator(principal, 'the suspicious-accounts board');
  if (!Number.isFinite(filter.min_score)) throw new AppError('validation_failed', 'must be a number', 'min_score');
  const rows = await listSuspicious(ctx.store.db, filter.min_score, filter.limit);
  return rows.map((r) => ({
    contributor_id: r.contributor_id,
    handle: r.handle,
    account_created_at: r.account_created_at,
    score: r.suspicion,
    trust: r.trust,
    restricted: r.restricted_at !== null,
    figures: {
      gold_answers: r.gold_answers,
      gold_correct: r.gold_correct,
      consensus_votes: r.consensus_votes,
      consensus_agreements: r.consensus_agreements,
      agreement_p: r.agreement_p,
      votes_up: r.votes_up,
      votes_down: r.votes_down,
      cross_account_duplicates: r.cross_account_duplicates,
      duplicate_accounts: r.duplicate_accounts,
      repeated_prompts: r.repeated_prompts,
      flags_received: r.flags_received,
    },
    evidence: JSON.parse(r.evidence) as Record<string, unknown>[],
    computed_at: r.computed_at,
  }));
}
