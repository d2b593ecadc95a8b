import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../services/context.js';
import { ConversationLabels, GoldItem, GoldItemInput, MyQuality, QualityPassReport } from '@openfeedback/core';
import { createGoldItem, listGoldItems } from '../../services/gold-items.js';
import { conversationLabels, myQuality } from '../../services/quality.js';
import { runQualityPass } from '../../services/quality-pass.js';
import { requireModerator } from '../../services/principal.js';
import { principalOf } from '../authenticate.js';
import { errors, IdParams } from '../schemas.js';


export const qualityRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/v1/me/quality',
    {
      schema: {
        tags: ['quality'],
        summary: 'My quality figures: trust, gold accuracy, agreement with consensus, what is left of today\'s feedback cap',
        description: 'Only your own: nobody else\'s figures are shown to you. Trust starts low for a new account and grows with gold items answered right and agreement with others.',
        response: { 200: MyQuality, ...errors(401, 403) },
      },
    },
    async (request) => myQuality(ctx, principalOf(request)),
  );
  app.get(
    '/v1/conversations/:id/labels',
    {
      schema: {
        tags: ['quality'],
        summary: 'The aggregated label of each answer, weighted by the raters\' trust, with its confidence (reviewers, moderators, admins)',
        params: IdParams,
        response: { 200: ConversationLabels, ...errors(401, 403, 404) },
      },
    },
    async (request) => conversationLabels(ctx, principalOf(request), request.params.id),
  );
  app.post(
    '/v1/gold-items',
    {
      schema: {
        tags: ['quality'],
        summary: 'Seed a gold item: an answer with a known verdict, mixed into the queue to measure raters (moderators, admins)',
        description: '`expected` is `{ "kind": "thumbs", "value": "up" | "down" }` or `{ "kind": "rating", "min", "max" }` (a rating within the range is right). Logged in the audit log.',
        body: GoldItemInput,
        response: { 201: GoldItem, ...errors(401, 403, 409, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await createGoldItem(ctx, principalOf(request), request.body)),
  );
  app.get(
    '/v1/gold-items',
    {
      schema: {
        tags: ['quality'],
        summary: 'Gold items, newest first, with how many people answered each (moderators, admins)',
        querystring: z.object({ cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(GoldItem), next_cursor: z.string().nullable() }), ...errors(401, 403) },
      },
    },
    async (request) => listGoldItems(ctx, principalOf(request), request.query.limit, request.query.cursor),
  );
  app.post(
    '/v1/quality/pass',
    {
      schema: {
        tags: ['quality'],
        summary: 'Run the quality pass now: trust, labels, duplicate prompts, the suspicious board, the moderation queue and the expiry of abandoned arena battles (moderators, admins)',
        description: '`serve` runs it every `qualityPassMinutes` anyway; a call while one runs waits for that one.',
        response: { 200: QualityPassReport, ...errors(401, 403) },
      },
    },
    async (request) => {
      requireModerator(principalOf(request), 'running the quality pass');
      return runQualityPass(ctx);
    },
  );
};
