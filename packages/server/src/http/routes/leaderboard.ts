import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AgreementQuery, AgreementReport, LeaderboardQuery, LeaderboardReport } from '@openfeedback/core';
import { communityAgreement } from '../../services/agreement.js';
import type { ServiceContext } from '../../services/context.js';
import { communityLeaderboard } from '../../services/leaderboard.js';
import { principalOf } from '../authenticate.js';
import { errors } from '../schemas.js';

export const leaderboardRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/v1/leaderboard',
    {
      schema: {
        tags: ['leaderboard'],
        summary: 'The arena leaderboard: Bradley-Terry ratings with bootstrap intervals, win rates and rubric scores (public)',
        description:
          "From people's pairwise votes (arena votes included; withdrawn, removed and invalidated ones not): each person's latest vote on a pair of answers. " +
          '`community` (slug or id; absent: the whole pool), `language`, `category` (`overall`, `coding`, `math`, `longer_query`, `multi_turn`, found from the prompts), ' +
          '`bootstrap` rounds and `seed` for the 95 % intervals, `anchor` (a model slug, id or imported name) fixed at `anchor_rating`. Figures about models only, nothing about a person.',
        querystring: LeaderboardQuery,
        response: { 200: LeaderboardReport, ...errors(404) },
      },
      // Public, and each call reads every vote in scope (about 2 s for 100,000 votes, bench/leaderboard-service.ts):
      // a tenth of the usual request budget per caller.
      config: { rateLimit: { max: Math.max(1, Math.floor(ctx.config.rateLimitMax / 10)), timeWindow: ctx.config.rateLimitWindowSeconds * 1000 } },
    },
    async (request) => communityLeaderboard(ctx, request.query),
  );
  app.get(
    '/v1/agreement',
    {
      schema: {
        tags: ['leaderboard'],
        summary: "How much raters agree: Krippendorff's alpha, Fleiss' and Cohen's kappa per rubric question, overall ratings, thumbs and pairwise votes (reviewers, moderators, admins)",
        description:
          "Units are answers (pairs of answers for pairwise votes), raters are contributors, each with their latest judgement of a unit. Only items judged by two or more people count; a figure with none has `items: 0` and null figures. `community` (slug or id) and `language` narrow it.",
        querystring: AgreementQuery,
        response: { 200: AgreementReport, ...errors(401, 403, 404) },
      },
    },
    async (request) => communityAgreement(ctx, principalOf(request), request.query),
  );
};
