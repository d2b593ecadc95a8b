import {
  AGAINST_CONSENSUS_P,
  binaryLabel,
  estimateCrowdQuality,
  goldLabel,
  scoreGoldAnswer,
  suspicionScore,
  TRUST_PRIOR_MEAN,
  type CrowdVote,
  type Evidence,
  type GoldAnswer,
  type GoldExpectation,
  type JudgementVote,
  type ModerationSignal,
  type Provenance,
  type QualityPassReport,
} from '@openfeedback/core';
import { allGoldItems } from '../store/gold-repository.js';
import { parseJson } from '../store/json-column.js';
import { flagsReceived, judgementEvents, qualityContributorIds, restrictedContributorIds, saveQuality, type JudgementEvent } from '../store/quality-repository.js';
import type { ContributorQualityTable } from '../store/schema.js';
import { expireStaleBattles } from './arena-expiry.js';
import { timestamp, type ServiceContext } from './context.js';
import { raiseAccountSignal } from './moderation-queue.js';
import { findDuplicatePrompts, fingerprintNewPrompts, type AccountDuplicates } from './prompt-duplicates.js';


/** The signals that put an account in the moderation queue (flags queue conversations themselves). */
const QUEUED_SIGNALS: readonly ModerationSignal[] = ['against_consensus', 'gold_failures', 'cross_account_duplicates', 'one_sided', 'repeated_prompts'];
/** Conversations listed in an account's evidence, at most. */
const MAX_LISTED = 200;

const running = new WeakMap<ServiceContext, Promise<QualityPassReport>>();

/**
 * The quality pass: fingerprints new prompts; scores every answer on a gold item; estimates each
 * rater's trust and each answer's label together (core's estimateCrowdQuality: gold plus agreement
 * with the others' consensus, restricted accounts muted); finds near-duplicate prompts across and
 * within accounts and counts flags received; then stores every contributor's figures and suspicion
 * score with its evidence, sets their trust, and queues the accounts whose signals fired; it also
 * closes arena battles left open too long (services/arena-expiry.ts). One pass
 * runs at a time (a second call joins it). `serve` runs it every `qualityPassMinutes`; moderators
 * may run it at once.
 */
export function runQualityPass(ctx: ServiceContext): Promise<QualityPassReport> {
  let pass = running.get(ctx);
  if (pass === undefined) {
    pass = qualityPass(ctx).finally(() => running.delete(ctx));
    running.set(ctx, pass);
  }
  return pass;
}

async function qualityPass(ctx: ServiceContext): Promise<QualityPassReport> {
  const started = performance.now();
  const db = ctx.store.db;
  const battles_expired = await expireStaleBattles(ctx);
  const prompts_fingerprinted = await fingerprintNewPrompts(ctx);

  const gold = new Map((await allGoldItems(db)).map((g) => [g.message_id, { expected: parseJson<GoldExpectation>(g.expected), created_by: g.created_by }] as const));
  const latest = new Map<string, { created_at: string; rater: string; item: string; vote: JudgementVote }>();
  for await (const page of judgementEvents(db)) {
    for (const e of page) {
      const vote = judgementOf(e);
      if (vote === null) continue;
      const key = `${e.contributor_id}\u0000${e.message_id}`;
      const seen = latest.get(key);
      if (seen === undefined || seen.created_at <= e.created_at) latest.set(key, { created_at: e.created_at, rater: e.contributor_id, item: e.message_id, vote });
    }
  }
  const votes: CrowdVote[] = [];
  const goldAnswers: GoldAnswer[] = [];
  for (const { rater, item, vote } of latest.values()) {
    const g = gold.get(item);
    if (g !== undefined) {
      if (rater === g.created_by) continue;
      const correct = scoreGoldAnswer(g.expected, vote);
      if (correct !== null) goldAnswers.push({ rater, truth: goldLabel(g.expected), correct });
      continue;
    }
    const label = binaryLabel(vote);
    if (label !== null) votes.push({ rater, item, label });
  }

  const muted = await restrictedContributorIds(db);
  const crowd = estimateCrowdQuality({ votes, gold: goldAnswers, muted });
  const duplicates = await findDuplicatePrompts(db);
  const flags = await flagsReceived(db);
  const everyone = new Set([...crowd.raters.keys(), ...duplicates.keys(), ...flags.keys(), ...(await qualityContributorIds(db))]);
  const computed_at = timestamp(ctx);
  const rows: Omit<ContributorQualityTable, 'restricted_at' | 'restricted_reason'>[] = [];
  const signals: { contributorId: string; evidence: (Evidence & Record<string, unknown>)[] }[] = [];
  for (const id of everyone) {
    const q = crowd.raters.get(id);
    const d = duplicates.get(id);
    const figures = {
      trust: muted.has(id) ? 0 : (q?.trust ?? TRUST_PRIOR_MEAN),
      gold_answers: q?.gold_answers ?? 0,
      gold_correct: q?.gold_correct ?? 0,
      consensus_votes: q?.consensus_votes ?? 0,
      consensus_agreements: q?.consensus_agreements ?? 0,
      votes_up: q?.votes_up ?? 0,
      votes_down: q?.votes_down ?? 0,
      agreement_p: q?.agreement_p ?? null,
      cross_account_duplicates: d?.crossPrompts.size ?? 0,
      duplicate_accounts: d?.otherAccounts.size ?? 0,
      repeated_prompts: d?.repeatedPrompts.size ?? 0,
      flags_received: flags.get(id) ?? 0,
    };
    const { score, evidence } = suspicionScore({ ...figures, agreement_rate: crowd.agreement_rate });
    const detailed = evidence.map((e) => withParticulars(e, d));
    rows.push({ contributor_id: id, ...figures, suspicion: score, evidence: JSON.stringify(detailed), computed_at });
    if (detailed.length > 0) signals.push({ contributorId: id, evidence: detailed });
  }
  const raised = await ctx.store.write(async (trx) => {
    await saveQuality(trx, rows);
    let n = 0;
    for (const { contributorId, evidence } of signals) {
      for (const e of evidence) {
        if (!(QUEUED_SIGNALS as readonly string[]).includes(e.signal)) continue;
        if (await raiseAccountSignal(ctx, trx, contributorId, e.signal as ModerationSignal, e)) n++;
      }
    }
    return n;
  });
  return {
    prompts_fingerprinted,
    battles_expired,
    contributors: rows.length,
    votes: votes.length,
    gold_answers: goldAnswers.length,
    items_labelled: [...crowd.items.values()].filter((c) => c.label !== null).length,
    agreement_rate: crowd.agreement_rate,
    against_consensus: [...crowd.raters.values()].filter((q) => q.agreement_p !== null && q.agreement_p < AGAINST_CONSENSUS_P).length,
    moderation_items_raised: raised,
    computed_at,
    duration_ms: Math.round(performance.now() - started),
  };
}

/** A thumbs or an overall rating as a judgement to score; null for rubric questions and model-extracted events. */
function judgementOf(e: JudgementEvent): JudgementVote | null {
  if (parseJson<Provenance>(e.provenance).type === 'model_extracted') return null;
  const p = parseJson<Record<string, unknown>>(e.payload);
  if (e.kind === 'thumbs') return p.value === 'up' || p.value === 'down' ? { kind: 'thumbs', value: p.value } : null;
  if (p.question_id !== null && p.question_id !== undefined) return null;
  const { score, scale_min, scale_max } = p as { score?: unknown; scale_min?: unknown; scale_max?: unknown };
  return typeof score === 'number' && typeof scale_min === 'number' && typeof scale_max === 'number' ? { kind: 'rating', score, scale_min, scale_max } : null;
}

/** Evidence with the particulars a moderator needs: which accounts, which conversations. */
function withParticulars(e: Evidence, d: AccountDuplicates | undefined): Evidence & Record<string, unknown> {
  if (d === undefined) return { ...e };
  if (e.signal === 'cross_account_duplicates') return { ...e, accounts: [...d.otherAccounts].slice(0, MAX_LISTED), conversation_ids: [...d.conversations].slice(0, MAX_LISTED) };
  if (e.signal === 'repeated_prompts') return { ...e, conversation_ids: [...d.conversations].slice(0, MAX_LISTED) };
  return { ...e };
}

/**
 * Runs the pass every `qualityPassMinutes` (none at 0), logging failures; returns the function that
 * stops it, which resolves once a pass under way has finished (before the database closes).
 */
export function scheduleQualityPasses(ctx: ServiceContext, log: { error(o: object, msg: string): void }): () => Promise<void> {
  const minutes = ctx.config.qualityPassMinutes;
  const timer =
    minutes === 0
      ? undefined
      : setInterval(() => {
          runQualityPass(ctx).catch((err: unknown) => log.error({ err }, 'quality pass failed'));
        }, minutes * 60_000);
  timer?.unref();
  return async () => {
    clearInterval(timer);
    await running.get(ctx)?.catch(() => {});
  };
}
