import type { Feedback } from '../feedback.js';
import { weightedConsensus, majorityLabel } from './consensus.js';
import { BINARY_LABELS, binaryLabel, type BinaryLabel, type JudgementVote } from './gold.js';
import { TRUST_PRIOR_MEAN, voteWeight } from './reliability.js';

/** The aggregated verdict on one answer. */
export interface AnswerLabel {
  /** The trust-weighted consensus; null without raters, or on a tie. */
  label: BinaryLabel | null;
  /** 0…1: the label's weighted share with one pseudo-vote per side (few or new raters: low); 0 without a label. */
  confidence: number;
  /** How many people's judgements went in (an imported event counts the people it stands for). */
  raters: number;
  /** The weight behind each side. */
  weights: Record<BinaryLabel, number>;
  /** The plain majority, every person counting one, for comparison. */
  majority: BinaryLabel | null;
}

/**
 * The judgement a feedback event passes for an answer's label: a thumbs, or an overall rating (not
 * a rubric question's, which measures a dimension of unknown direction) read on its scale. Null for
 * other kinds, events on no message, and events a model extracted (not a person's judgement).
 * @example labelJudgement({ kind: 'rating', score: 4, scale_min: 1, scale_max: 5, question_id: null, … }) // { kind: 'rating', score: 4, … }
 */
export function labelJudgement(f: Feedback): JudgementVote | null {
  if (f.provenance.type === 'model_extracted') return null;
  if (f.kind === 'thumbs') return { kind: 'thumbs', value: f.value };
  if (f.kind === 'rating' && f.message_id !== null && f.question_id === null) return { kind: 'rating', score: f.score, scale_min: f.scale_min, scale_max: f.scale_max };
  return null;
}

/** How much a rater's judgement counts when nothing is known of them: a new account's. */
export const UNKNOWN_RATER_WEIGHT = voteWeight(TRUST_PRIOR_MEAN);

/**
 * Each answer's aggregated label: every person's latest thumbs or overall rating on it (a later
 * one replaces an earlier one; a rating on its scale's middle withdraws it), weighted by
 * `weightOf(contributor_id)` (the rater's voteWeight(trust): 0 for a restricted account, the
 * minimum for a new one), combined by weightedConsensus. Active events only; an imported event that
 * stands for `count` people counts `count` times. Keyed by message id; answers nobody judged are absent.
 * @example answerLabels(feedback, (id) => weights.get(id) ?? UNKNOWN_RATER_WEIGHT).get(answerId)?.label // 'up'
 */
export function answerLabels(feedback: readonly Feedback[], weightOf: (contributorId: string) => number): Map<string, AnswerLabel> {
  const ordered = feedback.filter((f) => f.status === 'active').sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const latest = new Map<string, { message: string; label: BinaryLabel; people: number; weight: number }>();
  for (const f of ordered) {
    const vote = labelJudgement(f);
    if (vote === null || !('message_id' in f) || f.message_id === null) continue;
    const key = `${f.contributor_id}\u0000${f.message_id}`;
    const label = binaryLabel(vote);
    if (label === null) {
      latest.delete(key);
      continue;
    }
    const people = ('count' in f && typeof f.count === 'number' ? f.count : undefined) ?? 1;
    latest.set(key, { message: f.message_id, label, people, weight: weightOf(f.contributor_id) });
  }
  const byMessage = new Map<string, { label: BinaryLabel; people: number; weight: number }[]>();
  for (const v of latest.values()) {
    const list = byMessage.get(v.message);
    if (list === undefined) byMessage.set(v.message, [v]);
    else list.push(v);
  }
  const out = new Map<string, AnswerLabel>();
  for (const [message, votes] of byMessage) {
    const c = weightedConsensus(
      votes.map((v) => ({ value: v.label, weight: v.weight * v.people })),
      BINARY_LABELS,
    );
    out.set(message, {
      label: c.label,
      confidence: c.confidence,
      raters: votes.reduce((n, v) => n + v.people, 0),
      weights: { up: c.weights.up ?? 0, down: c.weights.down ?? 0 },
      majority: majorityLabel(votes.flatMap((v) => Array<BinaryLabel>(v.people).fill(v.label))),
    });
  }
  return out;
}
