import { sql } from 'kysely';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServiceContext } from '../../services/context.js';
import { ErrorResponse } from '../schemas.js';

const Health = z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']), version: z.string() });

export const healthRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext; version: string }> = async (app, { ctx, version }) => {
  app.get(
    '/health',
    {
      schema: { tags: ['meta'], summary: 'Liveness and database reachability', response: { 200: Health, 503: ErrorResponse } },
      config: { rateLimit: false },
    },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(ctx.store.db);
      } catch {
        return reply.status(503).send({ error: { code: 'unavailable', message: 'the database does not answer' } });
      }
      return { status: 'ok' as const, database: ctx.store.kind, version };
    },
  );
};
