import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ChatRequest, type ChatEvent } from '@openfeedback/core';
import { sendEventStream } from '../event-stream.js';
import { prepareChat, runChat } from '../../services/chat.js';
import type { ServiceContext } from '../../services/context.js';
import { principalOf } from '../authenticate.js';
import { errors } from '../schemas.js';

export const chatRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.post(
    '/v1/chat',
    {
      schema: {
        tags: ['chat'],
        summary: 'Ask a model; the answer streams back as server-sent events',
        description: [
          'Events, in order: `turn` (recorded chats: the stored user turn), `token` (each piece of the answer),',
          'then `done` (the stored answer) or `error` (`model_rate_limited`, `model_unavailable`, `model_timeout`,',
          '`model_interrupted`, `model_rejected`, with what had come). An answer that fails or is stopped is not stored.',
          'Problems found before the answer starts (consent, the model, the tree) are plain JSON errors.',
        ].join(' '),
        body: ChatRequest,
        response: { ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const plan = await prepareChat(ctx, principal, request.body);
      await sendEventStream<ChatEvent>(request, reply, (signal) => runChat(ctx, principal, plan, signal), 'chat', () => ({
        type: 'error',
        code: 'model_unavailable',
        message: 'something went wrong on the server',
        partial: '',
      }));
    },
  );
};
