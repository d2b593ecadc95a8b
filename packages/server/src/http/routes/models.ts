import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Model, ModelInput, ModelUpdate, ModelVersion, ModelVersionInput } from '@openfeedback/core';
import type { ServiceContext } from '../../services/context.js';
import { testModelConnection } from '../../services/model-connection-test.js';
import { createModel, createModelVersion, getModel, listModels, listModelVersions, updateModel } from '../../services/models.js';
import { principalOf } from '../authenticate.js';
import { errors, IdParams } from '../schemas.js';

export const modelRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/v1/models',
    {
      schema: {
        tags: ['models'],
        summary: 'Registered models, optionally of one community',
        querystring: z.object({ community: z.string().max(128).optional() }),
        response: { 200: z.object({ items: z.array(Model) }) },
      },
    },
    async (request) => ({ items: await listModels(ctx, request.query.community) }),
  );
  app.get('/v1/models/:id', { schema: { tags: ['models'], summary: 'One model, by id or slug', params: IdParams, response: { 200: Model, ...errors(404) } } }, async (request) =>
    getModel(ctx, request.params.id),
  );
  app.post(
    '/v1/models',
    { schema: { tags: ['models'], summary: 'Register an OpenAI-compatible model endpoint (trainer, admin)', body: ModelInput, response: { 201: Model, ...errors(401, 403, 409, 422) } } },
    async (request, reply) => reply.status(201).send(await createModel(ctx, principalOf(request), request.body)),
  );
  app.patch(
    '/v1/models/:id',
    { schema: { tags: ['models'], summary: 'Change a model (owner, admin)', params: IdParams, body: ModelUpdate, response: { 200: Model, ...errors(401, 403, 404) } } },
    async (request) => updateModel(ctx, principalOf(request), request.params.id, request.body),
  );
  app.get(
    '/v1/models/:id/versions',
    { schema: { tags: ['models'], summary: 'Versions of a model, newest first', params: IdParams, response: { 200: z.object({ items: z.array(ModelVersion) }), ...errors(404) } } },
    async (request) => ({ items: await listModelVersions(ctx, request.params.id) }),
  );
  app.post(
    '/v1/models/:id/versions',
    {
      schema: {
        tags: ['models'],
        summary: 'Register a new version with the releases it was trained on (owner, admin)',
        params: IdParams,
        body: ModelVersionInput,
        response: { 201: ModelVersion, ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await createModelVersion(ctx, principalOf(request), request.params.id, request.body)),
  );
  app.post(
    '/v1/models/:id/test',
    {
      schema: {
        tags: ['models'],
        summary: "Test a model's connection: GET {base_url}/models with its key (owner, admin)",
        description: 'Answers 200 whether or not the endpoint works: `ok`, the time it took, the models it lists, or what went wrong. The pool model needs no call.',
        params: IdParams,
        response: {
          200: z.object({ ok: z.boolean(), latency_ms: z.int(), models: z.array(z.string()).optional(), model_listed: z.boolean().optional(), error: z.string().optional() }),
          ...errors(401, 403, 404),
        },
      },
    },
    async (request) => testModelConnection(ctx, principalOf(request), request.params.id),
  );
};
