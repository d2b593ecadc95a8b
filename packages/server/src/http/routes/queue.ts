import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConversationWithMessages, Id } from '@openfeedback/core';
import type { ServiceContext } from '../../services/context.js';
import { serveNextConversation } from '../../services/queue.js';
import { principalOf } from '../authenticate.js';
import { errors, NoContent } from '../schemas.js';

const QueueRequest = z.strictObject({ community_id: Id.optional().describe("Only this community's conversations (id or slug).") });

export const queueRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.post(
    '/v1/queue/next',
    {
      schema: {
        tags: ['queue'],
        summary: 'Rate the pool: the next conversation that needs third-party feedback (204 when none is left)',
        description: [
          "Serves a conversation of someone else's, never served to you before, in your languages first (profile `demographics.languages`),",
          'then with the fewest third-party feedback events, the fewest times served, the oldest. Being served lets you read it',
          '(GET /v1/conversations/:id) and give it feedback as a third party (POST /v1/feedback). Needs consent.',
        ].join(' '),
        body: QueueRequest.nullish(),
        response: { 200: z.object({ conversation: ConversationWithMessages }), 204: NoContent, ...errors(401, 403, 422) },
      },
    },
    async (request, reply) => {
      const conversation = await serveNextConversation(ctx, principalOf(request), request.body ?? {});
      if (conversation === null) return reply.status(204).send(null);
      return { conversation };
    },
  );
};
