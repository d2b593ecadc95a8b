import { createReadStream } from 'node:fs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServiceContext } from '../../services/context.js';
import { getRelease, listReleases, publishRelease, releaseDir, ReleaseInput, ReleaseVersion, startRelease } from '../../services/releases.js';
import { AppError, notFound } from '../../errors.js';
import { principalOf } from '../authenticate.js';
import { errors } from '../schemas.js';

const FileEntry = z.object({ path: z.string(), bytes: z.int(), sha256: z.string() });
const Manifest = z
  .object({
    format: z.literal('openfeedback-release'),
    format_version: z.literal(1),
    version: z.string(),
    created_at: z.string(),
    cutoff: z.string(),
    previous_version: z.string().nullable(),
    records: z.object({ conversations: z.int(), messages: z.int(), feedback: z.int() }),
    views: z.record(z.string(), z.int()),
    excluded: z.object({ unresolved_licence: z.object({ conversations: z.int(), feedback: z.int() }) }),
    rescrubbed: z.record(z.string(), z.int()),
    licences: z.record(z.string(), z.int()),
    removals: z.record(z.string(), z.int()),
    files: z.array(FileEntry),
  });
const Release = z.object({
  version: z.string(),
  created_at: z.string(),
  cutoff: z.string(),
  previous_version: z.string().nullable(),
  status: z.enum(['building', 'built', 'failed']),
  error: z.string().nullable(),
  manifest: Manifest.nullable(),
});
const VersionParams = z.object({ version: ReleaseVersion });
const CONTENT_TYPES: Record<string, string> = { parquet: 'application/vnd.apache.parquet', jsonl: 'application/jsonl; charset=utf-8', md: 'text/markdown; charset=utf-8', json: 'application/json; charset=utf-8' };

export const releaseRoutes: FastifyPluginAsyncZod<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.post(
    '/v1/releases',
    {
      schema: {
        tags: ['releases'],
        summary: 'Make a release: an immutable, dated, versioned snapshot of the open pool (admins)',
        description:
          'Built in the background from consented, unwithdrawn, licence-resolved, re-scanned records: every view as Parquet and JSON Lines, a Hugging Face dataset card, ' +
          'an openness card, the removals since the previous release and a manifest with the sha256 of every file. Poll `GET /v1/releases/{version}` until `status` is `built` or `failed`.',
        body: ReleaseInput,
        response: { 202: Release, ...errors(401, 403, 409) },
      },
    },
    async (request, reply) => {
      const { release, built } = await startRelease(ctx, principalOf(request), request.body);
      built.catch((e: unknown) => request.log.warn({ err: e }, `release ${release.version} failed`));
      return reply.status(202).send(release);
    },
  );
  app.get('/v1/releases', { schema: { tags: ['releases'], summary: 'Every release, newest first (anyone)', response: { 200: z.object({ items: z.array(Release) }) } } }, async () => ({
    items: await listReleases(ctx),
  }));
  app.get(
    '/v1/releases/:version',
    { schema: { tags: ['releases'], summary: 'One release: its status and manifest (anyone)', params: VersionParams, response: { 200: Release, ...errors(404) } } },
    async (request) => getRelease(ctx, request.params.version),
  );
  app.get(
    '/v1/releases/:version/files/*',
    {
      schema: {
        tags: ['releases'],
        summary: "Download a file of a built release, e.g. `data/dpo.parquet`, `README.md`, `manifest.json` (anyone)",
        params: z.object({ version: ReleaseVersion, '*': z.string().min(1).max(200) }),
        response: { ...errors(404) },
      },
    },
    async (request, reply) => {
      const release = await getRelease(ctx, request.params.version);
      const path = request.params['*'];
      const listed = path === 'manifest.json' || release.manifest?.files.some((f) => f.path === path) === true;
      if (release.status !== 'built' || !listed) throw notFound('release file');
      const extension = path.split('.').at(-1) ?? '';
      return reply
        .header('content-type', CONTENT_TYPES[extension] ?? 'application/octet-stream')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(createReadStream(`${releaseDir(ctx, release.version)}/${path}`) as never); // a stream: Fastify pipes it
    },
  );
  app.post(
    '/v1/releases/:version/publish',
    {
      schema: {
        tags: ['releases'],
        summary: 'Publish a built release to the Hugging Face Hub (token from the configuration) or copy it to a folder on the server (admins)',
        params: VersionParams,
        body: z.strictObject({ kind: z.enum(['hub', 'folder']), repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name').optional(), path: z.string().min(1).max(1000).optional(), private: z.boolean().optional() }),
        response: { 200: z.object({ target: z.string(), files: z.int(), bytes: z.int(), commit: z.string().optional(), url: z.string().optional(), alreadyPublished: z.boolean().optional() }), ...errors(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      if (request.body.kind === 'folder' && request.body.path === undefined) throw new AppError('validation_failed', 'a folder target needs a path', 'path');
      return publishRelease(ctx, principalOf(request), request.params.version, request.body);
    },
  );
};
