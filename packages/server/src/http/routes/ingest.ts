import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { ServiceContext } from '../../services/context.js';
import { ingestLines } from '../../services/ingest.js';
import { splitLines } from '../../ndjson/split-lines.js';
import { principalOf } from '../authenticate.js';
import { errors } from '../schemas.js';

const IngestReport = z.object({
  lines: z.int(),
  conversations: z.int(),
  messages: z.int(),
  feedback: z.int(),
  duplicates: z.int(),
  rejected: z.int(),
  errors: z.array(z.object({ line: z.int(), code: z.string(), message: z.string(), field: z.string().optional() })),
});

const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/jsonlines'];

export const ingestRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  // The body is streamed to the service line by line, never buffered whole.
  app.addContentTypeParser(NDJSON_TYPES, (_request, payload, done) => done(null, payload));
  app.post(
    '/v1/ingest',
    {
      bodyLimit: ctx.config.ingestLimitBytes,
      schema: {
        tags: ['ingest'],
        summary: 'Bulk NDJSON ingest of conversations and feedback',
        description: [
          'Send `Content-Type: application/x-ndjson`, one JSON object per line:',
          '`{"type":"conversation", …ConversationInput}` or `{"type":"feedback", …FeedbackInput}`.',
          'Lines are written in batches of 5,000 (one transaction each); a bad line is reported by number and reason',
          'and the rest go in. Give conversations, messages and events your own `id`s: re-sending a file then adds nothing',
          '(those lines count as `duplicates`). Needs the `ingest` scope and active consent.',
        ].join(' '),
        consumes: NDJSON_TYPES,
        response: { 200: IngestReport, ...errors(401, 403, 413, 415) },
      },
    },
    async (request) => {
      const body = request.body;
      // Only the NDJSON parser above hands the body over as a stream; a JSON body (parsed by Fastify's
      // own parser) or none at all used to reach splitLines and fail with a 500.
      if (!(body instanceof Readable)) throw new AppError('unsupported_media_type', `send the lines as Content-Type: ${NDJSON_TYPES[0]}`);
      const lines = splitLines(body, { maxLineChars: ctx.config.bodyLimitBytes, maxTotalBytes: ctx.config.ingestLimitBytes });
      return ingestLines(ctx, principalOf(request), lines);
    },
  );
};
