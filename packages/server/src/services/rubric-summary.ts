import type { RubricSummaryRow } from '@openfeedback/core';
import type { AskedQuestion, LatestRating } from './rubric-ratings.js';
import { questionKey } from './rubric-ratings.js';

/** z for a two-sided 95 % normal interval. */
const Z95 = 1.959963984540054;

/** A rubric summary row before the model's display name is known. */
export type RubricSummary = Omit<RubricSummaryRow, 'model_name'>;

/**
 * The mean score each model's answers got on each rubric question, with a 95 % normal interval of
 * the mean (mean ± 1.96 · s / √n; null under two ratings). `ratings` are each person's latest
 * rubric ratings (see `latestRatings`), already cut to the category; the question's text and scale
 * come from its community's rubric (a question since removed from it keeps its id as text and the
 * scale its ratings were given on). Answers of no known model are left out.
 */
export function summariseRubric(ratings: readonly LatestRating[], questions: ReadonlyMap<string, AskedQuestion>): RubricSummary[] {
  const groups = new Map<string, { model: string; rating: LatestRating; n: number; sum: number; squares: number }>();
  for (const r of ratings) {
    const model = r.model;
    if (model === null || r.question_id === null) continue;
    const key = `${model}\u0000${questionKey(r.community_id, r.question_id)}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { model, rating: r, n: 0, sum: 0, squares: 0 }));
    g.n++;
    g.sum += r.score;
    g.squares += r.score * r.score;
  }
  const rows: RubricSummary[] = [...groups.values()].map(({ model, rating, n, sum, squares }) => {
    const asked = questions.get(questionKey(rating.community_id, rating.question_id!));
    const mean = sum / n;
    const variance = n < 2 ? Number.NaN : Math.max(0, (squares - n * mean * mean) / (n - 1));
    const half = Z95 * Math.sqrt(variance / n);
    return {
      model,
      question_id: rating.question_id!,
      question: asked?.text ?? rating.question_id!,
      community: asked?.community_slug ?? null,
      scale_min: asked?.min ?? rating.scale_min,
      scale_max: asked?.max ?? rating.scale_max,
      ratings: n,
      mean,
      lower: n < 2 ? null : mean - half,
      upper: n < 2 ? null : mean + half,
    };
  });
  return rows.sort((x, y) => cmp(x.community ?? '', y.community ?? '') || cmp(x.question_id, y.question_id) || y.mean - x.mean || cmp(x.model, y.model));
}

const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
