import { leaderboard, type BattleOutcome, type LeaderboardModel, type LeaderboardQuery, type LeaderboardReport } from '@openfeedback/core';
import { AppError, notFound } from '../errors.js';
import { findCommunity, listCommunities } from '../store/community-repository.js';
import { findModel, findModelsByIds } from '../store/model-repository.js';
import type { CommunityTable } from '../store/schema.js';
import type { Db } from '../store/store.js';
import { timestamp, type ServiceContext } from './context.js';
import { messagesInCategory, pairwiseVotes } from './judgements.js';
import { latestRatings, rubricQuestions } from './rubric-ratings.js';
import { summariseRubric } from './rubric-summary.js';

/**
 * The arena leaderboard of a community (or of the whole pool): Bradley-Terry ratings with bootstrap
 * intervals from people's pairwise votes, arena votes included (see `pairwiseVotes`: each person's
 * latest vote on a pair of answers; withdrawn, removed and invalidated votes are not active),
 * cut by language and prompt category, with the win-rate and battle-count matrices and each
 * model's mean rubric scores. Public, like /v1/stats: figures about models, nothing about a person.
 * Votes are counted as battles (a: message_id's model, b: other_message_id's); a model against
 * itself and an answer of no known model go to `ignored`.
 */
export async function communityLeaderboard(ctx: ServiceContext, query: LeaderboardQuery): Promise<LeaderboardReport> {
  const db = ctx.store.db;
  const community = query.community === undefined ? null : await requireCommunity(db, query.community);
  const scope = { community_id: community?.id, language: query.language };

  let votes = await pairwiseVotes(db, scope);
  if (query.category !== 'overall') {
    const kept = await messagesInCategory(db, votes.map((v) => v.message_id), query.category);
    votes = votes.filter((v) => kept.has(v.message_id));
  }
  const battles: BattleOutcome[] = [];
  let unknown = 0;
  for (const v of votes) {
    if (v.a === null || v.b === null) unknown++;
    else battles.push({ a: v.a, b: v.b, winner: v.winner });
  }
  // Models in a fixed order (not the order votes come in), so that the bootstrap draws the same
  // resamples for the same votes whatever order the database returns them in.
  const keys = [...new Set(battles.flatMap((b) => [b.a, b.b]))].sort();
  const anchor = query.anchor === undefined ? undefined : { model: await anchorKey(db, query.anchor, keys), rating: query.anchor_rating };
  const board = leaderboard(battles, { models: keys, bootstrap: query.bootstrap, seed: query.seed, ...(anchor !== undefined && { anchor }) });

  let ratings = await latestRatings(db, scope, 'rubric');
  if (query.category !== 'overall') {
    const kept = await messagesInCategory(db, ratings.map((r) => r.message_id), query.category);
    ratings = ratings.filter((r) => kept.has(r.message_id));
  }
  const rubric = summariseRubric(ratings, rubricQuestions(community === null ? await listCommunities(db) : [community]));
  const names = await modelNames(db, [...board.models, ...rubric.map((r) => r.model)]);

  return {
    community: community === null ? null : { id: community.id, slug: community.slug, name: community.name },
    language: query.language ?? null,
    category: query.category,
    bootstrap_rounds: board.bootstrapRounds,
    seed: query.seed,
    anchor: anchor ?? null,
    battles: board.battles,
    ignored: board.ignored + unknown,
    connected: board.connected,
    rows: board.entries.map((e) => ({ ...e, model: names.get(e.model)! })),
    models: board.models,
    win_rate: board.winRate.map((row) => row.map((x) => (Number.isNaN(x) ? null : x))),
    battle_counts: board.battleCounts,
    rubric: rubric.map((r) => ({ ...r, model_name: names.get(r.model)!.name })),
    generated_at: timestamp(ctx),
  };
}

/** A community by slug or id; 404 when there is none. */
export async function requireCommunity(db: Db, idOrSlug: string): Promise<CommunityTable> {
  const row = await findCommunity(db, idOrSlug);
  if (row === undefined) throw notFound('community', 'community');
  return row;
}

/** The key of the anchor model (a registered model's slug or id, or an imported name); 400 unless it has battles here. */
async function anchorKey(db: Db, anchor: string, keys: readonly string[]): Promise<string> {
  const key = (await findModel(db, anchor))?.id ?? anchor;
  if (!keys.includes(key)) throw new AppError('validation_failed', `anchor: no model "${anchor}" with battles in this selection`, 'anchor');
  return key;
}

/** How each model key is shown: registered models by their slug and name, imported names as they are. */
async function modelNames(db: Db, keys: readonly string[]): Promise<Map<string, LeaderboardModel>> {
  const unique = [...new Set(keys)];
  const registered = new Map((await findModelsByIds(db, unique)).map((m) => [m.id, m] as const));
  return new Map(
    unique.map((key) => {
      const m = registered.get(key);
      return [key, m === undefined ? { key, slug: null, name: key } : { key, slug: m.slug, name: m.name }] as const;
    }),
  );
}
