import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';
import { listCommunities, toCommunity } from '../store/community-repository.js';
import { listModels, listModelVersions, toModel } from '../store/model-repository.js';
import { countReleasableConversations, creditedNames, findRelease, insertRelease, listReleases as listReleaseRows, unresolvedCounts, updateRelease } from '../store/release-repository.js';
import type { ReleaseTable } from '../store/schema.js';
import { tombstonesBetween } from '../store/tombstone-repository.js';
import { AppError, notFound } from '../errors.js';
import { buildRelease, ReleaseCheckFailed, type BuildProgress, type ReleaseManifest, type ReleasePlan } from '../releases/build-release.js';
import { publishRelease as publishReleaseFiles, ReleasePublishError, type PublishResult } from '../releases/publish-release.js';
import { audit } from './audit.js';
import { timestamp, type ServiceContext } from './context.js';
import { requireAdmin, type Principal } from './principal.js';
import { poolSecret } from './public-ids.js';

export const ReleaseVersion = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" and "-", up to 64 characters, e.g. "2026.11" or "v3"');

export const ReleaseInput = z.strictObject({ version: ReleaseVersion.optional() });
export type ReleaseInput = z.infer<typeof ReleaseInput>;

export interface Release {
  version: string;
  created_at: string;
  cutoff: string;
  previous_version: string | null;
  status: 'building' | 'built' | 'failed';
  error: string | null;
  manifest: ReleaseManifest | null;
}

function toRelease(r: ReleaseTable): Release {
  return {
    version: r.version,
    created_at: r.created_at,
    cutoff: r.cutoff,
    previous_version: r.previous_version,
    status: r.status as Release['status'],
    error: r.error,
    manifest: r.manifest === null ? null : (JSON.parse(r.manifest) as ReleaseManifest),
  };
}

/** Builds still running, per app: shutdown and tests wait for them. */
const inFlight = new WeakMap<ServiceContext, Set<Promise<unknown>>>();

/** Resolves once every release build started so far has ended (built or failed). */
export async function releaseBuildsSettled(ctx: ServiceContext): Promise<void> {
  const builds = inFlight.get(ctx);
  if (builds !== undefined && builds.size > 0) await Promise.allSettled([...builds]);
}

/** Where a version's files live. */
export function releaseDir(ctx: ServiceContext, version: string): string {
  return resolve(ctx.config.releasesDir, version);
}

/**
 * Starts a release: an immutable, dated, versioned snapshot of everything consented, unwithdrawn and
 * licence-resolved up to now. Returns the new release (status `building`) and the build, which
 * resolves to it once built (or rejects with `release_failed`, the release marked failed).
 */
export async function startRelease(
  ctx: ServiceContext,
  principal: Principal,
  input: ReleaseInput,
  onProgress?: (p: BuildProgress) => void,
): Promise<{ release: Release; built: Promise<Release> }> {
  requireAdmin(principal, 'making a release');
  const now = timestamp(ctx);
  const row = await ctx.store.write(async (trx) => {
    const version = input.version ?? (await freeDatedVersion(trx, now));
    if ((await findRelease(trx, version)) !== undefined) throw new AppError('conflict', `release ${version} exists: releases are immutable; choose another version`, 'version');
    const previous = (await listReleaseRows(trx)).find((r) => r.status === 'built');
    const release: ReleaseTable = {
      version,
      created_at: now,
      cutoff: now,
      secret: randomBytes(32).toString('hex'),
      previous_version: previous?.version ?? null,
      created_by: principal.contributorId,
      status: 'building',
      manifest: null,
      error: null,
    };
    await insertRelease(trx, release);
    await audit(ctx, trx, principal, { action: 'release.create', target_kind: 'release', target_id: version, details: { cutoff: now, previous_version: release.previous_version } });
    return release;
  });
  const built = (async () => {
    try {
      const manifest = await buildRelease(ctx.store.db, await planOf(ctx, row), releaseDir(ctx, row.version), onProgress);
      await ctx.store.write(async (trx) => {
        await updateRelease(trx, row.version, { status: 'built', manifest: JSON.stringify(manifest) });
        await audit(ctx, trx, principal, { action: 'release.built', target_kind: 'release', target_id: row.version, details: { records: manifest.records, files: manifest.files.length } });
      });
    } catch (e) {
      const message = e instanceof ReleaseCheckFailed ? e.message : `the release could not be built: ${(e as Error).message}`;
      await ctx.store.write(async (trx) => {
        await updateRelease(trx, row.version, { status: 'failed', error: message });
        await audit(ctx, trx, principal, { action: 'release.failed', target_kind: 'release', target_id: row.version, reason: message });
      });
      throw new AppError('release_failed', message);
    }
    return getRelease(ctx, row.version);
  })();
  let builds = inFlight.get(ctx);
  if (builds === undefined) inFlight.set(ctx, (builds = new Set()));
  const tracked = builds;
  tracked.add(built);
  void built.catch(() => {}).finally(() => tracked.delete(built));
  return { release: toRelease(row), built };
}

/**
 * Builds an existing release again into `outDir`, from its own cutoff and secret: the same database
 * gives the same bytes (a check that the release is reproducible, and a way to restore its files).
 */
export async function rebuildRelease(ctx: ServiceContext, version: string, outDir: string, onProgress?: (p: BuildProgress) => void): Promise<ReleaseManifest> {
  const row = await findRelease(ctx.store.db, version);
  if (row === undefined) throw notFound('release');
  return buildRelease(ctx.store.db, await planOf(ctx, row), outDir, onProgress);
}

/** How many conversations the release reads: the total of its progress. */
export async function releaseSize(ctx: ServiceContext, release: Pick<Release, 'cutoff'>): Promise<number> {
  return countReleasableConversations(ctx.store.db, release.cutoff);
}

export async function getRelease(ctx: ServiceContext, version: string): Promise<Release> {
  const row = await findRelease(ctx.store.db, version);
  if (row === undefined) throw notFound('release');
  return toRelease(row);
}

export async function listReleases(ctx: ServiceContext): Promise<Release[]> {
  return (await listReleaseRows(ctx.store.db)).map(toRelease);
}

export interface PublishTarget {
  /** `hub`: the Hugging Face dataset repository of the configuration (or `repo`); `folder`: a copy under `path`. */
  kind: 'hub' | 'folder';
  repo?: string | undefined;
  path?: string | undefined;
  private?: boolean | undefined;
}

/** Publishes a built release to the Hugging Face Hub (token from the configuration) or to a folder. */
export async function publishRelease(ctx: ServiceContext, principal: Principal, version: string, target: PublishTarget, onProgress?: (done: number, total: number) => void): Promise<PublishResult> {
  requireAdmin(principal, 'publishing a release');
  const release = await getRelease(ctx, version);
  if (release.status !== 'built') throw new AppError('conflict', `release ${version} is ${release.status}, not built`);
  let result: PublishResult;
  try {
    if (target.kind === 'folder') {
      if (target.path === undefined) throw new AppError('validation_failed', 'a folder target needs a path', 'path');
      result = await publishReleaseFiles(releaseDir(ctx, version), { kind: 'folder', path: target.path }, onProgress);
    } else {
      const repo = target.repo ?? ctx.config.hubRepo;
      if (repo === undefined) throw new AppError('validation_failed', 'name the dataset repository (owner/name), or set OPENFEEDBACK_HUB_REPO', 'repo');
      if (ctx.config.hubToken === undefined) throw new AppError('validation_failed', 'publishing to the Hub needs a write token: set OPENFEEDBACK_HUB_TOKEN', 'kind');
      result = await publishReleaseFiles(releaseDir(ctx, version), { kind: 'hub', repo, token: ctx.config.hubToken, hubUrl: ctx.config.hubUrl, private: target.private, commitTitle: `OpenFeedback release ${version}` }, onProgress);
    }
  } catch (e) {
    if (e instanceof ReleasePublishError) throw new AppError('release_failed', `publishing failed: ${e.message}`);
    throw e;
  }
  await ctx.store.write((trx) =>
    audit(ctx, trx, principal, { action: 'release.publish', target_kind: 'release', target_id: version, details: { kind: target.kind, target: result.target, files: result.files, bytes: result.bytes, commit: result.commit ?? null } }),
  );
  return result;
}

/** Today's date as the version (`2026.11.28`), or with a counter when it is taken (`2026.11.28-2`). */
async function freeDatedVersion(trx: Parameters<typeof findRelease>[0], now: string): Promise<string> {
  const base = now.slice(0, 10).replace(/-/g, '.');
  for (let n = 1; ; n++) {
    const version = n === 1 ? base : `${base}-${n}`;
    if ((await findRelease(trx, version)) === undefined) return version;
  }
}

async function planOf(ctx: ServiceContext, row: ReleaseTable): Promise<ReleasePlan> {
  const db = ctx.store.db;
  const previous = (await listReleaseRows(db)).filter((r) => r.status === 'built' && r.created_at < row.created_at);
  const models = await Promise.all(
    (await listModels(db, undefined)).map(async (m) => {
      const model = toModel(m);
      const versions = await listModelVersions(db, model.id);
      return { id: model.id, slug: model.slug, name: model.name, output_licences: model.output_licences, versions: versions.map((v) => ({ id: v.id, version: v.version, trained_on: JSON.parse(v.trained_on) as string[] })) };
    }),
  );
  const communities = (await listCommunities(db)).map(toCommunity);
  return {
    version: row.version,
    created_at: row.created_at,
    cutoff: row.cutoff,
    poolSecret: await ctx.store.write((trx) => poolSecret(trx)),
    releaseSecret: row.secret,
    previous: previous.map((r) => ({ version: r.version, created_at: r.created_at, cutoff: r.cutoff })),
    termsVersion: ctx.config.termsVersion,
    models,
    communities: communities.map((c) => ({ id: c.id, slug: c.slug, name: c.name, languages: c.languages, rubric: c.rubric.map((q) => ({ id: q.id, text: q.text })) })),
    unresolved: await unresolvedCounts(db, row.cutoff),
    credited: await creditedNames(db),
    removals: await tombstonesBetween(db, previous[0]?.cutoff ?? null, row.cutoff),
  };
}

