import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Feedback, FeedbackFilter, FeedbackInput, pageOf } from '@openfeedback/core';
import type { ServiceContext } from '../../services/context.js';
import { deleteFeedback, getFeedback, listFeedback, recordFeedback } from '../../services/feedback.js';
import { principalOf } from '../authenticate.js';
import { IdempotencyHeaders, idempotencyOf, sendCreated } from '../idempotency-key.js';
import { errors, IdParams, NoContent } from '../schemas.js';

export const feedbackRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.post(
    '/v1/feedback',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Record one feedback event of any kind',
        description: 'Thumbs, rating, pairwise, ranking, correction, critique, flag, regenerate or natural, told apart by `kind`.',
        headers: IdempotencyHeaders,
        body: FeedbackInput,
        response: { 201: Feedback, ...errors(401, 403, 409, 422) },
      },
    },
    async (request, reply) => sendCreated(reply, await recordFeedback(ctx, principalOf(request), request.body, idempotencyOf(request))),
  );
  app.get(
    '/v1/feedback',
    {
      schema: {
        tags: ['feedback'],
        summary: 'List feedback events, newest first (mine; the whole pool for reviewers)',
        querystring: FeedbackFilter,
        response: { 200: pageOf(Feedback), ...errors(401) },
      },
    },
    async (request) => listFeedback(ctx, principalOf(request), request.query),
  );
  app.get('/v1/feedback/:id', { schema: { tags: ['feedback'], summary: 'One feedback event', params: IdParams, response: { 200: Feedback, ...errors(401, 404) } } }, async (request) =>
    getFeedback(ctx, principalOf(request), request.params.id),
  );
  app.delete(
    '/v1/feedback/:id',
    { schema: { tags: ['feedback'], summary: 'Delete a feedback event for good (author, moderator)', params: IdParams, response: { 204: NoContent, ...errors(401, 403, 404) } } },
    async (request, reply) => {
      await deleteFeedback(ctx, principalOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
