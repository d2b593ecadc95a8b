import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Conversation, ConversationInput, ConversationWithMessages, Message, MessageInput, pageOf, PoolFilter } from '@openfeedback/core';
import type { ServiceContext } from '../../services/context.js';
import { appendMessage, createConversation, deleteConversation, getConversation, listConversations } from '../../services/conversations.js';
import { principalOf } from '../authenticate.js';
import { IdempotencyHeaders, idempotencyOf, sendCreated } from '../idempotency-key.js';
import { errors, IdParams, NoContent } from '../schemas.js';

export const conversationRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.post(
    '/v1/conversations',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Start a conversation, optionally with its first messages',
        headers: IdempotencyHeaders,
        body: ConversationInput,
        response: { 201: ConversationWithMessages, ...errors(401, 403, 409, 422) },
      },
    },
    async (request, reply) => sendCreated(reply, await createConversation(ctx, principalOf(request), request.body, idempotencyOf(request))),
  );
  app.post(
    '/v1/conversations/:id/messages',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Append a turn; with the parent_id of an earlier message, branch (regenerate, edit)',
        headers: IdempotencyHeaders,
        params: IdParams,
        body: MessageInput,
        response: { 201: Message, ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => sendCreated(reply, await appendMessage(ctx, principalOf(request), request.params.id, request.body, idempotencyOf(request))),
  );
  app.get(
    '/v1/conversations',
    {
      schema: {
        tags: ['conversations'],
        summary: 'List conversations, newest first (mine; the whole pool for reviewers)',
        querystring: PoolFilter,
        response: { 200: pageOf(Conversation), ...errors(401) },
      },
    },
    async (request) => listConversations(ctx, principalOf(request), request.query),
  );
  app.get(
    '/v1/conversations/:id',
    { schema: { tags: ['conversations'], summary: 'A conversation with its whole message tree', params: IdParams, response: { 200: ConversationWithMessages, ...errors(401, 404) } } },
    async (request) => getConversation(ctx, principalOf(request), request.params.id),
  );
  app.delete(
    '/v1/conversations/:id',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Delete my conversation for good: its messages, every feedback on it, its queue assignments (author)',
        description: 'Copies already published in a release cannot be recalled.',
        params: IdParams,
        response: { 204: NoContent, ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deleteConversation(ctx, principalOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
