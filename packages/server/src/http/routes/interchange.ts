import { PassThrough, type Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EXPORT_VIEWS, ExportFilter, ExportFormat, exportView, IMPORT_FORMATS, importFormat } from '@openfeedback/core';
import { AppError } from '../../errors.js';
import { readRecordStream } from '../../interchange/read-records.js';
import { writeJsonl } from '../../interchange/write-jsonl.js';
import { writeParquet } from '../../interchange/write-parquet.js';
import type { ServiceContext } from '../../services/context.js';
import { exportRows } from '../../services/exports.js';
import { importRecords } from '../../services/imports.js';
import { requireAdmin } from '../../services/principal.js';
import { principalOf } from '../authenticate.js';
import { errors } from '../schemas.js';

const ImportReport = z.object({
  format: z.string(),
  source: z.string(),
  licence: z.string(),
  records: z.int(),
  conversations: z.object({ imported: z.int(), duplicate: z.int() }),
  messages: z.object({ imported: z.int(), skipped: z.record(z.string(), z.int()) }),
  feedback: z.object({ imported: z.int() }),
  rejected: z.record(z.string(), z.int()),
  notes: z.record(z.string(), z.int()),
  errors: z.array(z.object({ file: z.string(), position: z.int(), code: z.string(), message: z.string() })),
  stopped: z.boolean(),
});

const formatNames = IMPORT_FORMATS.map((f) => f.name) as [string, ...string[]];
const viewNames = EXPORT_VIEWS.map((v) => v.name) as [string, ...string[]];

export const interchangeRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  // Uploads stream into the importer whatever their type (JSON Lines, a JSON array, gzip): in this
  // plugin only, bodies are not parsed by Fastify.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.post(
    '/v1/imports/:format',
    {
      bodyLimit: ctx.config.ingestLimitBytes,
      schema: {
        tags: ['interchange'],
        summary: 'Import a dataset file (admin)',
        description:
          'The body is the file: JSON Lines or a JSON array, optionally gzip-compressed (Parquet: use `openfeedback import`). ' +
          'Re-importing adds nothing; bad records are reported by position and the rest go in.',
        params: z.object({ format: z.enum(formatNames) }),
        querystring: z.object({
          source: z.string().max(32).optional(),
          licence: z.string().max(64).optional(),
          community: z.string().max(128).optional(),
          strict: z.enum(['true', 'false']).optional(),
        }),
        response: { 200: ImportReport, ...errors(401, 403, 413, 422) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      requireAdmin(principal, 'importing a dataset');
      const { source, licence, community, strict } = request.query;
      const format = importFormat(request.params.format)!;
      const body = request.body as Readable | undefined;
      if (body === undefined || typeof (body as Partial<Readable>).pipe !== 'function') throw new AppError('validation_failed', 'send the file as the request body');
      const records = readRecordStream(body, { maxLineChars: ctx.config.bodyLimitBytes });
      return importRecords(ctx, principal, { format, source, licence, community, strict: strict === 'true' }, [{ file: `upload.${request.params.format}`, records }]);
    },
  );

  app.get(
    '/v1/exports/:view',
    {
      schema: {
        tags: ['interchange'],
        summary: 'Download a training-ready view as JSON Lines or Parquet (streamed)',
        description:
          'Contributors get their own conversations and feedback; reviewers, moderators and admins the whole pool; a model\'s owner, with `model`, everything on that model.',
        params: z.object({ view: z.enum(viewNames) }),
        querystring: ExportFilter.extend({
          format: ExportFormat.default('jsonl'),
          form: z.enum(['conversational', 'standard']).default('conversational'),
        }),
        response: { ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      const { format, form, ...filter } = request.query;
      const view = exportView(request.params.view)!;
      const principal = principalOf(request);
      const rows = exportRows(ctx, principal, view, filter, { form });
      // Fail before the first byte on what can be checked up front (scope), then stream.
      const first = await rows.next();
      const out = new PassThrough();
      async function* all() {
        if (first.done !== true) yield first.value;
        yield* rows;
      }
      const done = format === 'parquet' ? writeParquet(all(), view.columns({ form }), out) : writeJsonl(all(), out);
      done.then(
        () => out.end(),
        (e: unknown) => {
          request.log.error({ err: e }, 'export failed while streaming');
          out.destroy(e as Error);
        },
      );
      const extension = format === 'parquet' ? 'parquet' : 'jsonl';
      return reply
        .header('content-type', format === 'parquet' ? 'application/vnd.apache.parquet' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="openfeedback-${view.name}.${extension}"`)
        .send(out as never); // a stream: Fastify pipes it, unserialised
    },
  );
};
