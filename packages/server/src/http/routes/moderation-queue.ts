import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../services/context.js';
import { ModerationDecision, ModerationItem, ModerationStatus, SuspiciousAccount } from '@openfeedback/core';
import { decideModeration, listModerationQueue } from '../../services/moderation-queue.js';
import { suspiciousAccounts } from '../../services/quality.js';
import { principalOf } from '../authenticate.js';
import { errors, IdParams } from '../schemas.js';

export const moderationQueueRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/v1/moderation/queue',
    {
      schema: {
        tags: ['moderation'],
        summary: 'The moderation queue, oldest first: flagged conversations and accounts the quality signals point at (reviewers, moderators, admins)',
        querystring: z.object({ status: ModerationStatus.optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(ModerationItem), next_cursor: z.string().nullable() }), ...errors(401, 403) },
      },
    },
    async (request) => listModerationQueue(ctx, principalOf(request), request.query),
  );
  app.post(
    '/v1/moderation/queue/:id/decision',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Decide on a queued item, with the reason: dismiss (reviewers too), remove the content or restrict the account (moderators, admins)',
        description: 'Every decision goes to the audit log. Removing content takes it out of the pool and later releases (tombstones tell mirrors); restricting an account makes its votes weigh nothing and stops the queue serving it.',
        params: IdParams,
        body: ModerationDecision,
        response: { 200: ModerationItem, ...errors(401, 403, 404, 409) },
      },
    },
    async (request) => decideModeration(ctx, principalOf(request), request.params.id, request.body),
  );
  app.get(
    '/v1/moderation/suspicious',
    {
      schema: {
        tags: ['moderation'],
        summary: 'The most suspicious accounts, by a score that combines the quality signals, with the evidence (moderators, admins)',
        description:
          'Signals: votes against consensus beyond chance (binomial test, p < 0.01), gold items failed, prompts near-identical to other accounts\' (MinHash), ' +
          'flags received, always the same vote, repeated own prompts. As of the last quality pass (`computed_at`).',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), min_score: z.coerce.number().min(0).max(100).default(0.001) }),
        response: { 200: z.object({ items: z.array(SuspiciousAccount) }), ...errors(401, 403) },
      },
    },
    async (request) => ({ items: await suspiciousAccounts(ctx, principalOf(request), request.query) }),
  );
};
