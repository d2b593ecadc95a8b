import { answerLabels, UNKNOWN_RATER_WEIGHT, voteWeight, type AnswerLabel, type Feedback } from '@openfeedback/core';
import { toFeedback } from '../store/feedback-repository.js';
import { judgementsOn, ratersOf } from '../store/label-repository.js';
import type { Db } from '../store/store.js';
import { groupBy } from '../util/group-by.js';

/**
 * What one rater's judgement weighs in an aggregated label: voteWeight(their trust) (a new account
 * the minimum), nothing once a moderator restricted them.
 */
export function raterWeight(trust: number, restrictedAt: string | null | undefined): number {
  return restrictedAt != null ? 0 : voteWeight(trust);
}

/**
 * The aggregated label of every judged answer of these conversations (core's answerLabels over
 * every person's active thumbs and overall ratings, each weighted by raterWeight as of now), by
 * conversation id, then message id. GET /v1/conversations/{id}/labels and the exports read these.
 */
export async function labelsOfConversations(db: Db, conversationIds: readonly string[]): Promise<Map<string, Map<string, AnswerLabel>>> {
  const rows = await judgementsOn(db, conversationIds);
  const weights = new Map(rows.map((r) => [r.contributor_id, raterWeight(r.rater_trust, r.rater_restricted_at)] as const));
  const out = new Map<string, Map<string, AnswerLabel>>();
  for (const [conversationId, events] of groupBy(rows, (r) => r.conversation_id)) {
    out.set(conversationId, answerLabels(events.map(toFeedback), (id) => weights.get(id) ?? UNKNOWN_RATER_WEIGHT));
  }
  return out;
}

/** Each of these raters' weight (raterWeight), for labels made from feedback already read (a release's). */
export async function raterWeights(db: Db, contributorIds: readonly string[]): Promise<Map<string, number>> {
  return new Map((await ratersOf(db, contributorIds)).map((r) => [r.id, raterWeight(r.trust, r.restricted_at)] as const));
}

/** Labels of one conversation's answers from its feedback, with weights read by raterWeights. */
export function labelsFrom(feedback: readonly Feedback[], weights: ReadonlyMap<string, number>): Map<string, AnswerLabel> {
  return answerLabels(feedback, (id) => weights.get(id) ?? UNKNOWN_RATER_WEIGHT);
}
