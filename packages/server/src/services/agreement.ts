import { POOL_READER_ROLES, type AgreementFigure, type AgreementQuery, type AgreementReport, type RatingValue } from '@openfeedback/core';
import { activeJudgements, type JudgementScope } from '../store/judgement-repository.js';
import { listCommunities } from '../store/community-repository.js';
import type { Db } from '../store/store.js';
import { agreementFigure } from './agreement-figure.js';
import { timestamp, type ServiceContext } from './context.js';
import { isLater, isModelExtracted, pairwiseVotes } from './judgements.js';
import { requireCommunity } from './leaderboard.js';
import { requireRole, requireScope, type Principal } from './principal.js';
import { latestRatings, questionKey, rubricQuestions, type LatestRating } from './rubric-ratings.js';

/** unit → person → value. */
type Units = Map<string, Map<string, RatingValue>>;

function add(units: Units, unit: string, person: string, value: RatingValue): void {
  let u = units.get(unit);
  if (u === undefined) units.set(unit, (u = new Map()));
  u.set(person, value);
}

/**
 * How much people agree, for reviewers: one figure per rubric question of the community (or of
 * every community), per scale of overall ratings, for thumbs and for pairwise votes. Units are
 * answers (pairs of answers for pairwise votes, whichever way round they were shown), coders are
 * contributors, and a person who judged a unit twice counts with their latest judgement. Reviewers,
 * moderators and admins (a key needs the `read` scope): it describes how people rated, if not who.
 */
export async function communityAgreement(ctx: ServiceContext, principal: Principal, query: AgreementQuery): Promise<AgreementReport> {
  requireRole(principal, POOL_READER_ROLES, 'agreement figures');
  requireScope(principal, 'read');
  const db = ctx.store.db;
  const community = query.community === undefined ? null : await requireCommunity(db, query.community);
  const scope: JudgementScope = { community_id: community?.id, language: query.language };
  const communities = community === null ? await listCommunities(db) : [community];

  const ratings = await latestRatings(db, scope, 'both');
  const figures: AgreementFigure[] = [...rubricFigures(ratings, communities), ...overallFigures(ratings), await thumbsFigure(db, scope), await pairwiseFigure(db, scope)];
  return {
    community: community === null ? null : { id: community.id, slug: community.slug, name: community.name },
    language: query.language ?? null,
    figures,
    generated_at: timestamp(ctx),
  };
}

/** One figure per rubric question (communities by slug, questions in rubric order), then questions since dropped from a rubric. */
function rubricFigures(ratings: readonly LatestRating[], communities: Parameters<typeof rubricQuestions>[0]): AgreementFigure[] {
  const byQuestion = new Map<string, { units: Units; sample: LatestRating }>();
  for (const r of ratings) {
    if (r.question_id === null) continue;
    const key = questionKey(r.community_id, r.question_id);
    let q = byQuestion.get(key);
    if (q === undefined) byQuestion.set(key, (q = { units: new Map(), sample: r }));
    add(q.units, r.message_id, r.contributor_id, r.score);
  }
  const asked = [...rubricQuestions([...communities].sort((x, y) => (x.slug < y.slug ? -1 : 1))).entries()];
  const figures = asked.map(([key, q]) =>
    agreementFigure(
      { subject: 'rubric', question_id: q.id, question: q.text, community: q.community_slug, scale_min: q.min, scale_max: q.max },
      byQuestion.get(key)?.units.values() ?? [],
      { level: 'ordinal', min: q.min, max: q.max },
    ),
  );
  const dropped = [...byQuestion.entries()].filter(([key]) => !asked.some(([k]) => k === key));
  for (const [, { units, sample }] of dropped) {
    const label = { subject: 'rubric' as const, question_id: sample.question_id, question: sample.question_id, community: null, scale_min: sample.scale_min, scale_max: sample.scale_max };
    figures.push(agreementFigure(label, units.values(), { level: 'ordinal', min: sample.scale_min, max: sample.scale_max }));
  }
  return figures;
}

/** Overall ratings (no question): one figure per scale they were given on, most ratings first; one empty figure when there are none. */
function overallFigures(ratings: readonly LatestRating[]): AgreementFigure[] {
  const byScale = new Map<string, { min: number; max: number; units: Units; count: number }>();
  for (const r of ratings) {
    if (r.question_id !== null) continue;
    const key = `${r.scale_min}..${r.scale_max}`;
    let s = byScale.get(key);
    if (s === undefined) byScale.set(key, (s = { min: r.scale_min, max: r.scale_max, units: new Map(), count: 0 }));
    add(s.units, r.message_id, r.contributor_id, r.score);
    s.count++;
  }
  const label = { subject: 'overall_rating' as const, question_id: null, question: null, community: null };
  if (byScale.size === 0) return [agreementFigure({ ...label, scale_min: null, scale_max: null }, [], { level: 'ordinal', min: 1, max: 5 })];
  return [...byScale.values()]
    .sort((x, y) => y.count - x.count || x.min - y.min || x.max - y.max)
    .map((s) => agreementFigure({ ...label, scale_min: s.min, scale_max: s.max }, s.units.values(), { level: 'ordinal', min: s.min, max: s.max }));
}

/** Thumbs up or down on each answer: nominal. */
async function thumbsFigure(db: Db, scope: JudgementScope): Promise<AgreementFigure> {
  const latest = new Map<string, { id: string; created_at: string; message: string; person: string; value: string }>();
  for await (const page of activeJudgements(db, 'thumbs', scope)) {
    for (const row of page) {
      if (row.message_id === null || isModelExtracted(row)) continue;
      const value = (JSON.parse(row.payload) as { value?: unknown }).value;
      if (value !== 'up' && value !== 'down') continue;
      const key = `${row.contributor_id}\u0000${row.message_id}`;
      const seen = latest.get(key);
      if (seen === undefined || isLater(row, seen)) latest.set(key, { id: row.id, created_at: row.created_at, message: row.message_id, person: row.contributor_id, value });
    }
  }
  const units: Units = new Map();
  for (const t of latest.values()) add(units, t.message, t.person, t.value);
  return agreementFigure({ subject: 'thumbs', question_id: null, question: null, community: null, scale_min: null, scale_max: null }, units.values(), { level: 'nominal', labels: ['up', 'down'] });
}

const SWAPPED: Record<string, string> = { a: 'b', b: 'a', tie: 'tie', both_bad: 'both_bad' };

/** Pairwise votes on each pair of answers, as which of the two (in id order) won, tie or both bad: nominal. */
async function pairwiseFigure(db: Db, scope: JudgementScope): Promise<AgreementFigure> {
  const units: Units = new Map();
  for (const v of await pairwiseVotes(db, scope, { models: false })) {
    const inOrder = v.message_id < v.other_message_id;
    const unit = inOrder ? `${v.message_id}\u0000${v.other_message_id}` : `${v.other_message_id}\u0000${v.message_id}`;
    add(units, unit, v.contributor_id, inOrder ? v.winner : SWAPPED[v.winner]!);
  }
  return agreementFigure({ subject: 'pairwise', question_id: null, question: null, community: null, scale_min: null, scale_max: null }, units.values(), {
    level: 'nominal',
    labels: ['a', 'b', 'tie', 'both_bad'],
  });
}
