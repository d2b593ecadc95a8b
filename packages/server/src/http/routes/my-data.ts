import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../services/context.js';
import { eraseMe } from '../../services/erasure.js';
import { exportMyData, MY_DATA_TABLES, myStats } from '../../services/my-data.js';
import { principalOf, SESSION_COOKIE } from '../authenticate.js';
import { errors } from '../schemas.js';

const MyStats = z.object({
  conversations: z.int(),
  messages: z.int(),
  feedback: z.int(),
  feedback_by_kind: z.record(z.string(), z.int()),
  third_party_feedback: z.int(),
  served_from_queue: z.int(),
});

export const myDataRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/v1/me/stats',
    { schema: { tags: ['my data'], summary: 'How much of mine the pool holds: conversations, messages, feedback by kind (every status)', response: { 200: MyStats, ...errors(401, 403) } } },
    async (request) => myStats(ctx, principalOf(request)),
  );
  app.get(
    '/v1/me/export',
    {
      schema: {
        tags: ['my data'],
        summary: 'Download everything about me: one JSON document, or one table as CSV',
        description:
          '`format=json` (default): profile, consents, API keys (no secrets), linked sign-in identities, what the queue served me, ' +
          'my conversations with their messages, my feedback. `format=csv&table=conversations|messages|feedback`: that table, RFC 4180.',
        querystring: z.object({ format: z.enum(['json', 'csv']).default('json'), table: z.enum(MY_DATA_TABLES).optional() }),
        response: { ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      const download = exportMyData(ctx, principalOf(request), request.query);
      return reply
        .header('content-type', download.contentType)
        .header('content-disposition', `attachment; filename="${download.filename}"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(download.chunks) as never); // a stream: Fastify pipes it, unserialised
    },
  );
  app.delete(
    '/v1/me',
    {
      schema: {
        tags: ['my data'],
        summary: 'Delete my account and everything of mine (in a signed-in session)',
        description:
          'Removes the account and all its content from every table and index the server keeps: my conversations with every message and all feedback on them, ' +
          'my feedback elsewhere, consents, sessions, API keys, sign-in identities. The next release lists the removed records (by public id) in its removals file. ' +
          'Copies already published in a release cannot be recalled. Refused (409) while I own models.',
        response: { 200: z.object({ conversations: z.int(), messages: z.int(), feedback: z.int() }), ...errors(401, 403, 409) },
      },
    },
    async (request, reply) => {
      const report = await eraseMe(ctx, principalOf(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return report;
    },
  );
};
