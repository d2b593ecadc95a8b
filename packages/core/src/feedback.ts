import { z } from 'zod';
import { Id, MAX_TEXT_CHARS, Span, Text, Timestamp } from './primitives.js';
import { RecordStatus } from './conversation.js';

/** The methodology this server's feedback forms follow; bump it when the questions or scales change. */
export const CURRENT_METHODOLOGY_VERSION = 'of-1';

export const FeedbackKind = z.enum([
  'thumbs',
  'rating',
  'pairwise',
  'ranking',
  'correction',
  'critique',
  'flag',
  'regenerate',
  'natural',
]);
export type FeedbackKind = z.infer<typeof FeedbackKind>;

/** Whether the person rating took part in the conversation or judges someone else's. */
export const AnnotatorRole = z.enum(['interlocutor', 'third_party']);
export type AnnotatorRole = z.infer<typeof AnnotatorRole>;

const Extractor = z.strictObject({ name: z.string().min(1).max(100), version: z.string().min(1).max(50) });

/** Where an event came from: a person, a person helped by a model, or a model reading a conversation. */
export const Provenance = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('human') }),
  z.strictObject({ type: z.literal('human_aided'), extractor: Extractor.optional() }),
  z.strictObject({ type: z.literal('model_extracted'), extractor: Extractor }),
]);
export type Provenance = z.infer<typeof Provenance>;

export const FlagReason = z.enum(['spam', 'pii', 'unsafe', 'off_topic', 'other']);
export type FlagReason = z.infer<typeof FlagReason>;

/**
 * Categories of natural feedback found in a user's next turn (Don-Yehiya et al. 2024, "Learning from
 * Naturally Occurring Feedback"): UR1 repeat or rephrase, UR2 make aware with correction,
 * UR3 make aware without correction, UR4 ask for clarification, UR5 positive feedback.
 */
export const NaturalCategory = z.enum(['UR1', 'UR2', 'UR3', 'UR4', 'UR5']);
export type NaturalCategory = z.infer<typeof NaturalCategory>;

export const PairwiseOutcome = z.enum(['a', 'b', 'tie', 'both_bad']);
export type PairwiseOutcome = z.infer<typeof PairwiseOutcome>;

/** The fields of each kind of feedback, beyond what every event has. */
const kindFields = {
  thumbs: { message_id: Id, value: z.enum(['up', 'down']) },
  rating: {
    message_id: Id.optional(),
    /** A rubric question id of the conversation's community; absent for an overall rating. */
    question_id: z.string().min(1).max(64).optional(),
    score: z.number().finite(),
    /** The scale; defaults to the rubric question's, or 1..5 for an overall rating. */
    scale_min: z.int().min(-10).max(10).optional(),
    scale_max: z.int().min(-10).max(100).optional(),
  },
  pairwise: { message_id: Id, other_message_id: Id, outcome: PairwiseOutcome },
  ranking: { ranking: z.array(Id).min(2).max(50) },
  correction: { message_id: Id, text: Text.min(1).max(200_000) },
  critique: {
    message_id: Id.optional(),
    text: Text.min(1).max(MAX_TEXT_CHARS),
    span: Span.optional(),
    sentiment: z.union([z.literal(-1), z.literal(0), z.literal(1)]).optional(),
  },
  flag: { message_id: Id.optional(), reason: FlagReason, note: Text.max(2000).optional() },
  regenerate: { message_id: Id },
  natural: { message_id: Id, source_message_id: Id, category: NaturalCategory, span: Span },
} as const;

const commonInput = {
  /** Client-chosen id; bulk ingest uses it to make re-sending a file harmless. */
  id: Id.optional(),
  conversation_id: Id,
  annotator_role: AnnotatorRole.optional(),
  provenance: Provenance.default({ type: 'human' }),
  methodology_version: z.string().min(1).max(32).default(CURRENT_METHODOLOGY_VERSION),
};

const ratingScale = (f: { scale_min?: number | undefined; scale_max?: number | undefined }) =>
  f.scale_min === undefined || f.scale_max === undefined || f.scale_max > f.scale_min;
const RATING_SCALE_MESSAGE = { message: 'scale_max must be greater than scale_min', path: ['scale_max'] };

/** A new feedback event, one of nine kinds told apart by `kind`. */
export const FeedbackInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('thumbs'), ...commonInput, ...kindFields.thumbs }),
  z.strictObject({ kind: z.literal('rating'), ...commonInput, ...kindFields.rating }).refine(ratingScale, RATING_SCALE_MESSAGE),
  z
    .strictObject({ kind: z.literal('pairwise'), ...commonInput, ...kindFields.pairwise })
    .refine((f) => f.message_id !== f.other_message_id, { message: 'must differ from message_id', path: ['other_message_id'] }),
  z
    .strictObject({ kind: z.literal('ranking'), ...commonInput, ...kindFields.ranking })
    .refine((f) => new Set(f.ranking).size === f.ranking.length, { message: 'must not repeat a message', path: ['ranking'] }),
  z.strictObject({ kind: z.literal('correction'), ...commonInput, ...kindFields.correction }),
  z
    .strictObject({ kind: z.literal('critique'), ...commonInput, ...kindFields.critique })
    .refine((f) => f.span === undefined || f.message_id !== undefined, { message: 'a span needs a message_id', path: ['span'] }),
  z.strictObject({ kind: z.literal('flag'), ...commonInput, ...kindFields.flag }),
  z.strictObject({ kind: z.literal('regenerate'), ...commonInput, ...kindFields.regenerate }),
  z.strictObject({ kind: z.literal('natural'), ...commonInput, ...kindFields.natural }),
]);
export type FeedbackInput = z.infer<typeof FeedbackInput>;

/** What every stored event carries, whatever its kind. */
const recordMeta = {
  id: Id,
  contributor_id: Id,
  conversation_id: Id,
  annotator_role: AnnotatorRole,
  provenance: Provenance,
  methodology_version: z.string(),
  /** -1 (negative) … +1 (positive); null where the event only compares answers. */
  valence: z.number().min(-1).max(1).nullable(),
  /** The licence the contributor granted when the event was recorded. */
  licence: z.string().nullable(),
  status: RecordStatus,
  /** Denormalised from the target message and conversation, so that listings filter without joins. */
  model_id: Id.nullable(),
  community_id: Id.nullable(),
  language: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
  /** What the privacy gate removed from its text before it was stored, by kind; absent when nothing. */
  pii_removed: z.record(z.string(), z.int()).optional(),
  /** The licence it may be released under (its grant and its conversation's); null: unresolved. Absent before it is stored. */
  release_licence: z.string().nullable().optional(),
};

const nullableMessage = { message_id: Id.nullable() };

/**
 * Imported datasets publish some feedback as counts (OpenAssistant: "+1" × 3, a label's mean over
 * 4 raters); such an event stands for `count` people. Absent on events given here (one person each).
 */
const aggregate = { count: z.int().min(1).optional() };

/** A stored feedback event as the API returns it. */
export const Feedback = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('thumbs'), ...recordMeta, ...kindFields.thumbs, ...aggregate }),
  z.object({ kind: z.literal('rating'), ...recordMeta, ...kindFields.rating, ...nullableMessage, question_id: z.string().nullable(), scale_min: z.number(), scale_max: z.number(), ...aggregate }),
  z.object({ kind: z.literal('pairwise'), ...recordMeta, ...kindFields.pairwise }),
  z.object({ kind: z.literal('ranking'), ...recordMeta, ...kindFields.ranking, ...nullableMessage }),
  z.object({ kind: z.literal('correction'), ...recordMeta, ...kindFields.correction }),
  z.object({ kind: z.literal('critique'), ...recordMeta, ...kindFields.critique, ...nullableMessage, span: Span.nullable(), sentiment: z.number().nullable() }),
  z.object({ kind: z.literal('flag'), ...recordMeta, ...kindFields.flag, ...nullableMessage, note: z.string().nullable(), ...aggregate }),
  z.object({ kind: z.literal('regenerate'), ...recordMeta, ...kindFields.regenerate }),
  z.object({ kind: z.literal('natural'), ...recordMeta, ...kindFields.natural }),
]);
export type Feedback = z.infer<typeof Feedback>;

/**
 * How positive an event is, from -1 to +1, so that every kind can be read on one axis.
 * Comparisons (pairwise a/b/tie, ranking) say which answer is better, not how good either is: null.
 * @example valenceOf({ kind: 'rating', score: 4, scale_min: 1, scale_max: 5 }) // 0.5
 */
export function valenceOf(f: ValenceInput): number | null {
  switch (f.kind) {
    case 'thumbs':
      return f.value === 'up' ? 1 : -1;
    case 'rating':
      return (2 * (f.score - f.scale_min)) / (f.scale_max - f.scale_min) - 1;
    case 'pairwise':
      return f.outcome === 'both_bad' ? -1 : null;
    case 'ranking':
      return null;
    case 'critique':
      return f.sentiment ?? null;
    case 'natural':
      return f.category === 'UR5' ? 1 : -1;
    case 'correction': // the answer needed fixing
    case 'flag':
    case 'regenerate': // asking again is an implicit "not good enough"
      return -1;
  }
}

export type ValenceInput =
  | { kind: 'thumbs'; value: 'up' | 'down' }
  | { kind: 'rating'; score: number; scale_min: number; scale_max: number }
  | { kind: 'pairwise'; outcome: PairwiseOutcome }
  | { kind: 'critique'; sentiment?: -1 | 0 | 1 | null | undefined }
  | { kind: 'natural'; category: NaturalCategory }
  | { kind: 'ranking' | 'correction' | 'flag' | 'regenerate' };

/** The ids of messages an event points at (its target and, for comparisons, the others). */
export function referencedMessageIds(f: FeedbackInput): string[] {
  switch (f.kind) {
    case 'pairwise':
      return [f.message_id, f.other_message_id];
    case 'ranking':
      return [...f.ranking];
    case 'natural':
      return [f.message_id, f.source_message_id];
    default:
      return f.message_id === undefined ? [] : [f.message_id];
  }
}
