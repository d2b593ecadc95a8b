import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Community, CommunityInput, CommunityUpdate } from '@openfeedback/core';
import { createCommunity, getCommunity, listCommunities, updateCommunity } from '../../services/communities.js';
import type { ServiceContext } from '../../services/context.js';
import { principalOf } from '../authenticate.js';
import { errors, IdParams } from '../schemas.js';

export const communityRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get('/v1/communities', { schema: { tags: ['communities'], summary: 'All communities', response: { 200: z.object({ items: z.array(Community) }) } } }, async () => ({
    items: await listCommunities(ctx),
  }));
  app.get(
    '/v1/communities/:id',
    { schema: { tags: ['communities'], summary: 'One community, by id or slug', params: IdParams, response: { 200: Community, ...errors(404) } } },
    async (request) => getCommunity(ctx, request.params.id),
  );
  app.post(
    '/v1/communities',
    { schema: { tags: ['communities'], summary: 'Create a community with its rubric (admin)', body: CommunityInput, response: { 201: Community, ...errors(401, 403, 409) } } },
    async (request, reply) => reply.status(201).send(await createCommunity(ctx, principalOf(request), request.body)),
  );
  app.patch(
    '/v1/communities/:id',
    { schema: { tags: ['communities'], summary: 'Change a community (admin)', params: IdParams, body: CommunityUpdate, response: { 200: Community, ...errors(401, 403, 404) } } },
    async (request) => updateCommunity(ctx, principalOf(request), request.params.id, request.body),
  );
};
