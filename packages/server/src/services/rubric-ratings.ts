import type { RubricQuestion } from '@openfeedback/core';
import { activeJudgements, judgedModel, type JudgementScope } from '../store/judgement-repository.js';
import type { CommunityTable } from '../store/schema.js';
import type { Db } from '../store/store.js';
import { isLater, isModelExtracted } from './judgements.js';

/** One person's latest rating of one answer (on one rubric question, or overall when question_id is null). */
export interface LatestRating {
  id: string;
  created_at: string;
  contributor_id: string;
  message_id: string;
  /** The model of the answer (see `judgedModel`); null: unknown. */
  model: string | null;
  community_id: string | null;
  question_id: string | null;
  score: number;
  scale_min: number;
  scale_max: number;
}

/**
 * Active ratings of answers in scope, one per person, answer and question (their latest), read a
 * page at a time. `questions`: rubric ratings only (with a question_id), or `overall` ratings only
 * (without), or both.
 */
export async function latestRatings(db: Db, scope: JudgementScope, questions: 'rubric' | 'overall' | 'both'): Promise<LatestRating[]> {
  const latest = new Map<string, LatestRating>();
  for await (const page of activeJudgements(db, 'rating', scope)) {
    for (const row of page) {
      if (row.message_id === null || isModelExtracted(row)) continue;
      const p = JSON.parse(row.payload) as { score?: unknown; scale_min?: unknown; scale_max?: unknown; question_id?: unknown };
      if (typeof p.score !== 'number' || typeof p.scale_min !== 'number' || typeof p.scale_max !== 'number') continue;
      const question = typeof p.question_id === 'string' ? p.question_id : null;
      if ((questions === 'rubric' && question === null) || (questions === 'overall' && question !== null)) continue;
      const rating: LatestRating = {
        id: row.id,
        created_at: row.created_at,
        contributor_id: row.contributor_id,
        message_id: row.message_id,
        model: judgedModel(row),
        community_id: row.community_id,
        question_id: question,
        score: p.score,
        scale_min: p.scale_min,
        scale_max: p.scale_max,
      };
      const key = `${row.contributor_id}\u0000${row.message_id}\u0000${question ?? ''}`;
      const seen = latest.get(key);
      if (seen === undefined || isLater(rating, seen)) latest.set(key, rating);
    }
  }
  return [...latest.values()];
}

/** A rubric question as its community asks it, with the community's slug. */
export interface AskedQuestion extends RubricQuestion {
  community_id: string;
  community_slug: string;
}

/** The rubric questions of these communities, by community id and question id. */
export function rubricQuestions(communities: readonly CommunityTable[]): Map<string, AskedQuestion> {
  const out = new Map<string, AskedQuestion>();
  for (const c of communities) {
    for (const q of JSON.parse(c.rubric) as RubricQuestion[]) out.set(questionKey(c.id, q.id), { ...q, community_id: c.id, community_slug: c.slug });
  }
  return out;
}

export const questionKey = (communityId: string | null, questionId: string) => `${communityId ?? ''}\u0000${questionId}`;
