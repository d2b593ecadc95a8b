import { z } from 'zod';
import { Id } from './primitives.js';
import { GoldExpectation } from './quality/gold.js';

/*
 * What quality control looks like on the wire: a contributor's own figures, the labels of answers,
 * gold items, the moderation queue, the board of suspicious accounts and a quality pass's report.
 * The API, the CLI and the web app read these shapes; the computations are in ./quality.
 */

/** GET /v1/me/quality: your own figures, nobody else's. */
export const MyQuality = z.object({
  contributor_id: Id,
  /** 0…1: how much your votes count (new accounts start low and rise with gold items and agreement). */
  trust: z.number(),
  gold: z.object({ answers: z.int(), correct: z.int(), accuracy: z.number().nullable() }),
  /** Your votes on answers that others also judged, and how often you agreed with their consensus. */
  consensus: z.object({ votes: z.int(), agreements: z.int(), agreement_rate: z.number().nullable() }),
  votes: z.object({ up: z.int(), down: z.int() }),
  daily_feedback: z.object({ cap: z.int().nullable(), remaining: z.int().nullable() }),
  restricted: z.boolean(),
  /** When these figures were last computed; null: not yet (a quality pass runs every few minutes). */
  computed_at: z.string().nullable(),
});
export type MyQuality = z.infer<typeof MyQuality>;

/** The trust-weighted label of one answer (GET /v1/conversations/:id/labels). */
export const AnswerLabelView = z.object({
  message_id: Id,
  model_id: Id.nullable(),
  /** The trust-weighted verdict on the answer (thumbs, and ratings read as above or below their scale's middle); null: no votes or a tie. */
  label: z.enum(['up', 'down']).nullable(),
  /** 0…1: the label's weighted share with one pseudo-vote per side (few or new voters: low). */
  confidence: z.number(),
  votes: z.int(),
  weights: z.object({ up: z.number(), down: z.number() }),
  /** The plain majority, every vote counting one, for comparison. */
  majority: z.enum(['up', 'down']).nullable(),
});
export const ConversationLabels = z.object({ conversation_id: Id, answers: z.array(AnswerLabelView) });
export type ConversationLabels = z.infer<typeof ConversationLabels>;

/** A row of the board of suspicious accounts (moderators). */
export const SuspiciousAccount = z.object({
  contributor_id: Id,
  handle: z.string(),
  account_created_at: z.string(),
  /** The sum of the signals' points (see core's suspicionScore): higher is more suspicious. */
  score: z.number(),
  trust: z.number(),
  restricted: z.boolean(),
  figures: z.object({
    gold_answers: z.int(),
    gold_correct: z.int(),
    consensus_votes: z.int(),
    consensus_agreements: z.int(),
    agreement_p: z.number().nullable(),
    votes_up: z.int(),
    votes_down: z.int(),
    cross_account_duplicates: z.int(),
    duplicate_accounts: z.int(),
    repeated_prompts: z.int(),
    flags_received: z.int(),
  }),
  /** Which signals fired, their points, in words, and the accounts and conversations behind them. */
  evidence: z.array(z.record(z.string(), z.unknown())),
  computed_at: z.string().nullable(),
});
export type SuspiciousAccount = z.infer<typeof SuspiciousAccount>;

export const GoldItemInput = z.strictObject({
  /** The answer (an assistant message) whose verdict is known. Its conversation is served in the queue. */
  message_id: Id,
  expected: GoldExpectation,
  note: z.string().trim().min(1).max(2000).optional(),
});
export type GoldItemInput = z.infer<typeof GoldItemInput>;

export const GoldItem = z.object({
  id: Id,
  conversation_id: Id,
  message_id: Id,
  expected: GoldExpectation,
  note: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  /** People who have judged it so far (thumbs or rating). */
  answers: z.int(),
});
export type GoldItem = z.infer<typeof GoldItem>;

/** Why an item is in the queue: others flagged it, or a signal of the quality pass fired on an account. */
export const ModerationSignal = z.enum(['flag', 'against_consensus', 'gold_failures', 'one_sided', 'cross_account_duplicates', 'repeated_prompts']);
export type ModerationSignal = z.infer<typeof ModerationSignal>;

export const ModerationStatus = z.enum(['open', 'dismissed', 'removed', 'restricted']);
export type ModerationStatus = z.infer<typeof ModerationStatus>;

export const ModerationItem = z.object({
  id: Id,
  subject: z.enum(['conversation', 'account']),
  signal: ModerationSignal,
  /** The account concerned: the suspicious one, or the author of the flagged conversation. */
  contributor_id: Id.nullable(),
  conversation_id: Id.nullable(),
  message_id: Id.nullable(),
  /** What raised it, with the numbers (for flags: the reasons, counted now). */
  evidence: z.record(z.string(), z.unknown()),
  status: ModerationStatus,
  created_at: z.string(),
  decided_at: z.string().nullable(),
  decided_by: z.string().nullable(),
  decision_reason: z.string().nullable(),
});
export type ModerationItem = z.infer<typeof ModerationItem>;

export const ModerationDecision = z.strictObject({
  /** dismiss: nothing wrong; remove_content: the flagged content (or the account's duplicated prompts, or its votes) leaves the pool; restrict_account: its votes weigh nothing and the queue serves it no more. */
  decision: z.enum(['dismiss', 'remove_content', 'restrict_account']),
  reason: z.string().trim().min(1, 'a decision is logged with its reason').max(2000),
});
export type ModerationDecision = z.infer<typeof ModerationDecision>;

/** What a quality pass did (POST /v1/quality/pass). */
export const QualityPassReport = z.object({
  prompts_fingerprinted: z.int(),
  battles_expired: z.int(),
  contributors: z.int(),
  votes: z.int(),
  gold_answers: z.int(),
  items_labelled: z.int(),
  agreement_rate: z.number(),
  against_consensus: z.int(),
  moderation_items_raised: z.int(),
  computed_at: z.string(),
  duration_ms: z.int(),
});
export type QualityPassReport = z.infer<typeof QualityPassReport>;
