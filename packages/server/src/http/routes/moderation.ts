import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readAuditLog } from '../../services/audit.js';
import type { ServiceContext } from '../../services/context.js';
import { decideTakedown, fileTakedown, listTakedowns, TakedownDecision, TakedownInput, TakedownReport } from '../../services/takedowns.js';
import { principalOf } from '../authenticate.js';
import { errors, IdParams } from '../schemas.js';

const AuditEntry = z.object({
  id: z.string(),
  at: z.string(),
  actor_id: z.string().nullable(),
  action: z.string(),
  target_kind: z.string(),
  target_id: z.string().nullable(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const moderationRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.post(
    '/v1/takedowns',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Report a conversation or message for privacy, copyright or harm (anyone; no account needed)',
        description: '`record_id` is the id shown in the app, or the public id of a released record (`c_…`, `m_…`). Moderators decide; the decision is logged.',
        body: TakedownInput,
        response: { 201: TakedownReport, ...errors(422) },
      },
      config: { rateLimit: { max: 20, timeWindow: '1 hour' } },
    },
    async (request, reply) => reply.status(201).send(await fileTakedown(ctx, request.principal, request.body)),
  );
  app.get(
    '/v1/takedowns',
    {
      schema: {
        tags: ['moderation'],
        summary: 'The takedown queue, oldest first (moderators, admins)',
        querystring: z.object({ status: z.enum(['open', 'upheld', 'rejected']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(TakedownReport) }), ...errors(401, 403) },
      },
    },
    async (request) => ({ items: await listTakedowns(ctx, principalOf(request), request.query.status, request.query.limit) }),
  );
  app.post(
    '/v1/takedowns/:id/decision',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Uphold (remove from the pool and later releases) or reject a report, with the reason (moderators, admins)',
        params: IdParams,
        body: TakedownDecision,
        response: { 200: TakedownReport, ...errors(401, 403, 404, 409) },
      },
    },
    async (request) => decideTakedown(ctx, principalOf(request), request.params.id, request.body),
  );
  app.get(
    '/v1/audit',
    {
      schema: {
        tags: ['moderation'],
        summary: 'The audit log, newest first: who did what, to what, when and why (admins)',
        querystring: z.object({ action: z.string().max(64).optional(), actor_id: z.string().max(128).optional(), cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(AuditEntry), next_cursor: z.string().nullable() }), ...errors(401, 403) },
      },
    },
    async (request) => readAuditLog(ctx, principalOf(request), request.query),
  );
};
