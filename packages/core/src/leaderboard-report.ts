import { z } from 'zod';
import { Id, LanguageTag, Slug, Timestamp } from './primitives.js';

/*
 * What the leaderboard and the agreement figures look like on the wire: the API, the CLI's --json
 * and the web app read these shapes. The statistics themselves are in ./statistics.
 */

/**
 * Prompt categories a leaderboard can be cut by, found from the battle's prompts (the LMArena way):
 * `overall` is every battle; `coding` prompts with code or about programming; `math` prompts with
 * formulas or about mathematics; `longer_query` prompts of 500 words or more; `multi_turn` battles of
 * more than one turn.
 */
export const PromptCategory = z.enum(['overall', 'coding', 'math', 'longer_query', 'multi_turn']);
export type PromptCategory = z.infer<typeof PromptCategory>;

const CommunityRef = z.object({ id: Id, slug: z.string(), name: z.string() });

export const LeaderboardQuery = z.strictObject({
  /** A community's slug or id; absent: every community. */
  community: z.string().min(1).max(64).optional(),
  language: LanguageTag.optional(),
  category: PromptCategory.default('overall'),
  /** Bootstrap rounds for the intervals (0: none). */
  bootstrap: z.coerce.number().int().min(0).max(1000).default(100),
  /** The bootstrap's seed: the same seed and votes, the same leaderboard. */
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(1),
  /** A model's slug or key whose rating is fixed at `anchor_rating`; absent: the mean is 1000. */
  anchor: z.string().min(1).max(200).optional(),
  anchor_rating: z.coerce.number().finite().min(-100_000).max(100_000).default(1000),
});
export type LeaderboardQuery = z.infer<typeof LeaderboardQuery>;

export const LeaderboardModel = z.object({
  /** The key the matrices use: a registered model's id, or the model name an imported source gives. */
  key: z.string(),
  /** Registered models: their slug; imported names: null. */
  slug: Slug.nullable(),
  name: z.string(),
});
export type LeaderboardModel = z.infer<typeof LeaderboardModel>;

export const LeaderboardRow = z.object({
  model: LeaderboardModel,
  /** Bradley-Terry rating on the 400-point scale. */
  rating: z.number(),
  /** Bootstrap percentile interval (95 %); equal to the rating when there was no bootstrap. */
  lower: z.number(),
  upper: z.number(),
  /** 1 + the number of models whose lower bound is above this one's upper bound. */
  rank: z.int(),
  battles: z.int(),
  wins: z.int(),
  /** Ties and both-bad votes (each counts half a win). */
  ties: z.int(),
  losses: z.int(),
});
export type LeaderboardRow = z.infer<typeof LeaderboardRow>;

/** The mean rubric score a model's answers got on one question. */
export const RubricSummaryRow = z.object({
  /** The model's key (as in `models`). */
  model: z.string(),
  /** Its display name (a registered model's name, else the imported name); added later, so optional. */
  model_name: z.string().optional(),
  question_id: z.string(),
  question: z.string(),
  /** The slug of the community whose rubric asks the question (null: no longer in any rubric); optional, added later. */
  community: z.string().nullable().optional(),
  scale_min: z.number(),
  scale_max: z.number(),
  ratings: z.int(),
  mean: z.number(),
  /** 95 % interval of the mean (normal approximation); null with fewer than two ratings. */
  lower: z.number().nullable(),
  upper: z.number().nullable(),
});
export type RubricSummaryRow = z.infer<typeof RubricSummaryRow>;

export const LeaderboardReport = z.object({
  community: CommunityRef.nullable(),
  language: z.string().nullable(),
  category: PromptCategory,
  bootstrap_rounds: z.int(),
  seed: z.int(),
  anchor: z.object({ model: z.string(), rating: z.number() }).nullable(),
  /** Votes counted; votes left out (a model against itself, or an answer of no known model). */
  battles: z.int(),
  ignored: z.int(),
  /** Is every model linked to every other by battles? */
  connected: z.boolean(),
  /** Sorted by rating, highest first. */
  rows: z.array(LeaderboardRow),
  /** Model keys, in the order of `rows`: the order of the matrices' rows and columns. */
  models: z.array(z.string()),
  /** [i][j]: the share of i's battles against j that i won, ties counted half; null where they never met. */
  win_rate: z.array(z.array(z.number().nullable())),
  /** [i][j]: battles between i and j. */
  battle_counts: z.array(z.array(z.int())),
  rubric: z.array(RubricSummaryRow),
  generated_at: Timestamp,
});
export type LeaderboardReport = z.infer<typeof LeaderboardReport>;

export const AgreementQuery = z.strictObject({
  community: z.string().min(1).max(64).optional(),
  language: LanguageTag.optional(),
});
export type AgreementQuery = z.infer<typeof AgreementQuery>;

/** Which judgements a figure is about. */
export const AgreementSubject = z.enum(['rubric', 'overall_rating', 'thumbs', 'pairwise']);
export type AgreementSubject = z.infer<typeof AgreementSubject>;

const Figure = z.number().nullable();

export const AgreementFigure = z.object({
  subject: AgreementSubject,
  /** For rubric questions: the question; otherwise null. */
  question_id: z.string().nullable(),
  question: z.string().nullable(),
  /** Rubric questions: the slug of the community that asks it (two communities may use one question id); optional, added later. */
  community: z.string().nullable().optional(),
  /** Ratings: the scale they were given on (overall ratings get one figure per scale); else null. Optional, added later. */
  scale_min: z.number().nullable().optional(),
  scale_max: z.number().nullable().optional(),
  /** The level of measurement the scale has (the figure to read first). */
  level: z.enum(['nominal', 'ordinal', 'interval', 'ratio']),
  /** Items judged by two or more people, the people behind them, and their judgements. */
  items: z.int(),
  raters: z.int(),
  ratings: z.int(),
  /** Krippendorff's alpha under each metric that suits the scale (null: undefined, e.g. no variation). */
  krippendorff: z.object({ nominal: Figure, ordinal: Figure, interval: Figure, ratio: Figure }),
  /** Fleiss' kappa on the items with the most common number of judgements (`fleiss_raters` each). */
  fleiss: z.object({ kappa: Figure, items: z.int(), raters_per_item: z.int() }).nullable(),
  /** Cohen's kappa of the two people who judged the most items in common (unweighted; weighted for scales). */
  cohen: z.object({ kappa: Figure, linear: Figure, quadratic: Figure, items: z.int() }).nullable(),
});
export type AgreementFigure = z.infer<typeof AgreementFigure>;

export const AgreementReport = z.object({
  community: CommunityRef.nullable(),
  language: z.string().nullable(),
  figures: z.array(AgreementFigure),
  generated_at: Timestamp,
});
export type AgreementReport = z.infer<typeof AgreementReport>;
