import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { PoolStats } from '@openfeedback/core';
import type { ServiceContext } from '../../services/context.js';
import { poolStats } from '../../services/stats.js';

export const statsRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get('/v1/stats', { schema: { tags: ['meta'], summary: 'The pool in numbers', response: { 200: PoolStats } } }, async () => poolStats(ctx));
};
