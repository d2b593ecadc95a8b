import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiKey, ApiKeyInput, CreatedApiKey } from '@openfeedback/core';
import { createApiKey, listApiKeys, revokeApiKey } from '../../services/api-keys.js';
import type { ServiceContext } from '../../services/context.js';
import { principalOf } from '../authenticate.js';
import { errors, IdParams } from '../schemas.js';

export const apiKeyRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.post(
    '/v1/api-keys',
    { schema: { tags: ['accounts'], summary: 'Create an API key for a program; the key is shown only in this response', body: ApiKeyInput, response: { 201: CreatedApiKey, ...errors(401, 403) } } },
    async (request, reply) => reply.status(201).send(await createApiKey(ctx, principalOf(request), request.body)),
  );
  app.get(
    '/v1/api-keys',
    { schema: { tags: ['accounts'], summary: 'My API keys (without secrets)', response: { 200: z.object({ items: z.array(ApiKey) }), ...errors(401) } } },
    async (request) => ({ items: await listApiKeys(ctx, principalOf(request)) }),
  );
  app.delete(
    '/v1/api-keys/:id',
    { schema: { tags: ['accounts'], summary: 'Revoke an API key, effective immediately', params: IdParams, response: { 200: ApiKey, ...errors(401, 404) } } },
    async (request) => revokeApiKey(ctx, principalOf(request), request.params.id),
  );
};
