import { createHash } from 'node:crypto';
import { constants as fsConstants, createReadStream, openAsBlob } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { commitIter, createRepo, HubApiError, repoExists, type CommitOperation } from '@huggingface/hub';

/** Publish to a Hugging Face dataset repo (created if missing), as one commit of every file. */
export interface PublishToHub {
  kind: 'hub';
  /** `owner/name` of the dataset repo. */
  repo: string;
  /** A Hugging Face access token (`hf_…`) that may write to the repo (and create it). Never logged. */
  token: string;
  /** Default https://huggingface.co. */
  hubUrl?: string | undefined;
  /** The branch to commit to; default main. It must exist. */
  revision?: string | undefined;
  /** Visibility when the repo is created (an existing repo keeps its own); default: the owner's default. */
  private?: boolean | undefined;
  /** Default `Release <manifest version>`. */
  commitTitle?: string | undefined;
}

/** Copy the release into `path/<basename of the release directory>`. */
export interface PublishToFolder {
  kind: 'folder';
  path: string;
}

export interface PublishResult {
  /** `<hubUrl>/datasets/<repo>` or the absolute path of the copy. */
  target: string;
  /** Files published, manifest.json included. */
  files: number;
  bytes: number;
  /** The commit oid on the hub. */
  commit?: string;
  /** The commit's page on the hub. */
  url?: string;
  /** Folder target: an identical copy was already there, nothing was written. */
  alreadyPublished?: boolean;
}

export interface ReleaseFile {
  /** Relative, with `/` separators. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface VerifiedRelease {
  dir: string;
  /** The manifest's `version` (or the directory's name when it has none). */
  version: string;
  /** The manifest's files, then manifest.json itself. */
  files: ReleaseFile[];
  bytes: number;
  /** The bytes of manifest.json that were checked. */
  manifest: Buffer;
}

/** Why a publication was refused or failed; the message names the file or the hub call, never the token. */
export class ReleasePublishError extends Error {
  constructor(
    readonly reason: 'invalid_release' | 'invalid_target' | 'folder_conflict' | 'hub_unauthorized' | 'hub_forbidden' | 'hub_error' | 'hub_unreachable' | 'release_changed',
    message: string,
    /** The hub's HTTP status, for hub errors. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ReleasePublishError';
  }
}

const MANIFEST = 'manifest.json';
const DEFAULT_HUB_URL = 'https://huggingface.co';
const HASH_CONCURRENCY = 4;

/**
 * Checks the release (`manifest.json` lists every other file with its size and sha256, and nothing
 * else is there), then publishes it. `onProgress(doneBytes, totalBytes)` follows the upload or copy
 * (on the hub, a file counts once it is stored: small files count when the commit lands).
 */
export async function publishRelease(
  releaseDir: string,
  target: PublishToHub | PublishToFolder,
  onProgress?: (done: number, total: number) => void,
): Promise<PublishResult> {
  if (target.kind === 'hub') {
    const hub = checkHubTarget(target);
    // Blobs opened before the check: if a file changes after it was hashed, reading it for the
    // upload fails (Node compares the modification time) instead of sending unverified bytes.
    const blobs = new Map<string, Blob>();
    const release = await inspectRelease(releaseDir, async (relative, absolute) => {
      blobs.set(relative, await openAsBlob(absolute));
    });
    blobs.set(MANIFEST, new Blob([release.manifest])); // exactly the manifest that was checked
    return publishToHub(release, blobs, target, hub, onProgress);
  }
  if (target.kind === 'folder') {
    if (typeof target.path !== 'string' || target.path === '') throw new ReleasePublishError('invalid_target', 'The folder to publish to is missing');
    return publishToFolder(await verifyRelease(releaseDir), target, onProgress);
  }
  throw new ReleasePublishError('invalid_target', `Unknown publication target ${JSON.stringify((target as { kind: unknown }).kind)}`);
}

/** Reads `manifest.json` and checks every file against it (streamed sha256); throws a ReleasePublishError naming the first fault. */
export function verifyRelease(releaseDir: string): Promise<VerifiedRelease> {
  return inspectRelease(releaseDir);
}

// ---------------------------------------------------------------------------------------------
// Verification

async function inspectRelease(releaseDir: string, beforeHashing?: (relative: string, absolute: string) => Promise<void>): Promise<VerifiedRelease> {
  const dir = path.resolve(releaseDir);
  const invalid = (message: string) => new ReleasePublishError('invalid_release', `Release ${dir}: ${message}`);

  const rootStat = await lstat(dir).catch(() => null);
  if (!rootStat?.isDirectory()) throw invalid('not a directory');

  let manifestBytes: Buffer;
  try {
    manifestBytes = await readFile(path.join(dir, MANIFEST));
  } catch {
    throw invalid(`${MANIFEST} is missing`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8'));
  } catch {
    throw invalid(`${MANIFEST} is not valid JSON`);
  }
  const listed = parseManifestFiles(manifest, invalid);
  const version = manifestVersion(manifest) ?? path.basename(dir);

  const expected = new Map(listed.map((f) => [f.path, f]));
  const found = await listFiles(dir, invalid);
  const extra = found.filter((f) => f !== MANIFEST && !expected.has(f));
  if (extra.length > 0) throw invalid(`${extra[0]} is not listed in ${MANIFEST}${extra.length > 1 ? ` (nor are ${extra.length - 1} more files)` : ''}`);
  const present = new Set(found);
  const missing = listed.find((f) => !present.has(f.path));
  if (missing) throw invalid(`${missing.path} is listed in ${MANIFEST} but missing`);

  for (const file of listed) {
    const { size } = await lstat(path.join(dir, file.path));
    if (size !== file.bytes) throw invalid(`${file.path} has ${size} bytes, ${MANIFEST} says ${file.bytes}`);
  }
  await forEachConcurrently(listed, HASH_CONCURRENCY, async (file) => {
    const absolute = path.join(dir, file.path);
    await beforeHashing?.(file.path, absolute);
    const sha256 = await hashFile(absolute);
    if (sha256 !== file.sha256) throw invalid(`${file.path} does not match its sha256 in ${MANIFEST} (changed since the manifest was written)`);
  });

  const manifestEntry: ReleaseFile = { path: MANIFEST, bytes: manifestBytes.length, sha256: createHash('sha256').update(manifestBytes).digest('hex') };
  const files = [...listed, manifestEntry];
  return { dir, version, files, bytes: files.reduce((sum, f) => sum + f.bytes, 0), manifest: manifestBytes };
}

function parseManifestFiles(manifest: unknown, invalid: (message: string) => ReleasePublishError): ReleaseFile[] {
  const files = (manifest as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) throw invalid(`${MANIFEST} has no "files" list`);
  const seen = new Set<string>();
  return files.map((entry: unknown, i) => {
    const { path: p, bytes, sha256 } = (entry ?? {}) as Record<string, unknown>;
    const where = typeof p === 'string' ? p : `files[${i}]`;
    if (typeof p !== 'string' || !isSafeRelativePath(p)) throw invalid(`${MANIFEST} lists an invalid path ${JSON.stringify(p)} (files[${i}])`);
    if (p === MANIFEST) throw invalid(`${MANIFEST} lists itself`);
    if (seen.has(p)) throw invalid(`${MANIFEST} lists ${p} twice`);
    seen.add(p);
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) throw invalid(`${MANIFEST} has no valid "bytes" for ${where}`);
    if (typeof sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha256)) throw invalid(`${MANIFEST} has no valid "sha256" for ${where}`);
    return { path: p, bytes, sha256: sha256.toLowerCase() };
  });
}

function manifestVersion(manifest: unknown): string | undefined {
  const version = (manifest as { version?: unknown } | null)?.version;
  return typeof version === 'string' && version.trim() !== '' ? version.trim() : typeof version === 'number' ? String(version) : undefined;
}

/** Relative, `/`-separated, no `.`/`..`/empty segments, no backslashes or control characters. */
function isSafeRelativePath(p: string): boolean {
  if (p === '' || p.startsWith('/') || p.includes('\\') || /[\u0000-\u001f]/.test(p)) return false;
  return p.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** Every regular file under `dir`, relative with `/`; anything else (a symlink, a socket) is refused. */
async function listFiles(dir: string, invalid: (message: string) => ReleasePublishError, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, invalid, relative)));
    else if (entry.isFile()) out.push(relative);
    else throw invalid(`${relative} is not a regular file (symbolic links and special files are not published)`);
  }
  return out.sort();
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

// ---------------------------------------------------------------------------------------------
// Hub

interface HubTarget {
  hubUrl: string;
  repo: string;
  token: string;
}

function checkHubTarget(target: PublishToHub): HubTarget {
  if (typeof target.repo !== 'string' || !/^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(target.repo)) {
    throw new ReleasePublishError('invalid_target', `The dataset repo must be "owner/name", got ${JSON.stringify(String(target.repo))}`);
  }
  // @huggingface/hub refuses (before any request) tokens that are not user access tokens.
  if (typeof target.token !== 'string' || !/^hf_\S+$/.test(target.token)) {
    throw new ReleasePublishError('invalid_target', 'The Hugging Face access token is missing or malformed (it must start with "hf_")');
  }
  let hubUrl: URL;
  try {
    hubUrl = new URL(target.hubUrl ?? DEFAULT_HUB_URL);
  } catch {
    throw new ReleasePublishError('invalid_target', 'The hub URL is not a valid URL');
  }
  if (hubUrl.protocol !== 'https:' && hubUrl.protocol !== 'http:') throw new ReleasePublishError('invalid_target', 'The hub URL must be http(s)');
  if (hubUrl.username !== '' || hubUrl.password !== '') throw new ReleasePublishError('invalid_target', 'The hub URL must not carry credentials');
  if (target.revision !== undefined && (typeof target.revision !== 'string' || target.revision.trim() === '')) {
    throw new ReleasePublishError('invalid_target', 'The revision (branch) must be a non-empty name');
  }
  return { hubUrl: hubUrl.href.replace(/\/+$/, ''), repo: target.repo, token: target.token };
}

async function publishToHub(
  release: VerifiedRelease,
  blobs: Map<string, Blob>,
  target: PublishToHub,
  { hubUrl, repo, token }: HubTarget,
  onProgress?: (done: number, total: number) => void,
): Promise<PublishResult> {
  const repoDesignation = { type: 'dataset' as const, name: repo };
  const credentials = { accessToken: token };
  const total = release.bytes;
  onProgress?.(0, total);

  let step = `checking whether dataset repo ${repo} exists`;
  try {
    // repoExists answers false on 401 too: a wrong token then fails on createRepo with its 401.
    if (!(await repoExists({ repo: repoDesignation, hubUrl, ...credentials }))) {
      step = `creating dataset repo ${repo}`;
      try {
        await createRepo({
          repo: repoDesignation,
          hubUrl,
          ...credentials,
          ...(target.private !== undefined && { visibility: target.private ? 'private' : 'public' }),
        });
      } catch (err) {
        // Created meanwhile (or hidden from repoExists): the commit below works all the same.
        if (!(err instanceof HubApiError && err.statusCode === 409)) throw err;
      }
    }

    step = `committing the release to dataset repo ${repo}`;
    const sizes = new Map(release.files.map((f) => [f.path, f.bytes]));
    const uploaded = new Map<string, number>();
    let reported = 0;
    const operations: CommitOperation[] = release.files.map((f) => ({ operation: 'addOrUpdate', path: f.path, content: blobs.get(f.path)! }));
    const commits = commitIter({
      repo: repoDesignation,
      operations,
      title: target.commitTitle ?? `Release ${release.version}`,
      hubUrl,
      ...credentials,
      ...(target.revision !== undefined && { branch: target.revision }),
      // Plain LFS (basic/multipart S3 transfer) rather than Xet chunk uploads.
      useXet: false,
    });
    let next = await commits.next();
    while (!next.done) {
      const event = next.value;
      if (event.event === 'fileProgress' && event.state === 'uploading') {
        uploaded.set(event.path, Math.max(uploaded.get(event.path) ?? 0, event.progress));
        const done = Math.floor([...uploaded].reduce((sum, [p, fraction]) => sum + (sizes.get(p) ?? 0) * fraction, 0));
        if (done > reported && done < total) {
          reported = done;
          onProgress?.(done, total);
        }
      }
      next = await commits.next();
    }
    const output = next.value;
    if (!output?.commit?.oid) throw new Error('the hub did not return a commit id');
    onProgress?.(total, total);
    return { target: `${hubUrl}/datasets/${repo}`, files: release.files.length, bytes: total, commit: output.commit.oid, url: output.commit.url };
  } catch (err) {
    throw hubError(err, step, hubUrl, token);
  }
}

/** A ReleasePublishError saying what failed, scrubbed of the token; the library's error is not kept (its data may echo the request). */
function hubError(err: unknown, step: string, hubUrl: string, token: string): ReleasePublishError {
  const scrub = (text: string) => text.split(token).join('hf_***');
  if (err instanceof ReleasePublishError) return err;
  if (err instanceof HubApiError) {
    const detail = scrub(err.message);
    if (err.statusCode === 401) return new ReleasePublishError('hub_unauthorized', `The hub at ${hubUrl} rejected the access token (HTTP 401) while ${step}: check that the token is valid. ${detail}`, 401);
    if (err.statusCode === 403) return new ReleasePublishError('hub_forbidden', `The access token may not do this on ${hubUrl} (HTTP 403) while ${step}: it needs write access to the repo. ${detail}`, 403);
    return new ReleasePublishError('hub_error', `The hub at ${hubUrl} answered HTTP ${err.statusCode} while ${step}: ${detail}`, err.statusCode);
  }
  const error = err instanceof Error ? err : new Error(String(err));
  if (error.name === 'NotReadableError') {
    return new ReleasePublishError('release_changed', `A file of the release changed on disk after it was verified, while ${step}; nothing was committed. Verify the release and publish again.`);
  }
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const why = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : 'network error';
    return new ReleasePublishError('hub_unreachable', scrub(`Could not reach the hub at ${hubUrl} while ${step} (${why})`));
  }
  return new ReleasePublishError('hub_error', scrub(`Publishing to ${hubUrl} failed while ${step}: ${error.message}`));
}

// ---------------------------------------------------------------------------------------------
// Folder

async function publishToFolder(release: VerifiedRelease, target: PublishToFolder, onProgress?: (done: number, total: number) => void): Promise<PublishResult> {
  const parent = path.resolve(target.path);
  const name = path.basename(release.dir);
  const destination = path.join(parent, name);
  const total = release.bytes;
  const result: PublishResult = { target: destination, files: release.files.length, bytes: total };
  const inside = path.relative(release.dir, destination);
  if (inside !== '' && !inside.startsWith('..') && !path.isAbsolute(inside)) {
    throw new ReleasePublishError('invalid_target', `Cannot publish release ${release.dir} into itself (${destination})`);
  }
  onProgress?.(0, total);

  if (await lstat(destination).catch(() => null)) {
    const difference = await compareCopy(destination, release.files);
    if (difference) {
      throw new ReleasePublishError('folder_conflict', `${destination} already exists with different content (${difference}); refusing to overwrite it`);
    }
    onProgress?.(total, total);
    return { ...result, alreadyPublished: true };
  }

  await mkdir(parent, { recursive: true });
  // Copied beside the destination and renamed into place once verified: never a half-copied release.
  const staging = await mkdtemp(path.join(parent, `.${name}.partial-`));
  try {
    let done = 0;
    for (const file of release.files) {
      const to = path.join(staging, file.path);
      await mkdir(path.dirname(to), { recursive: true });
      await copyFile(path.join(release.dir, file.path), to, fsConstants.COPYFILE_EXCL);
      done += file.bytes;
      if (done < total) onProgress?.(done, total);
    }
    const difference = await compareCopy(staging, release.files);
    if (difference) throw new ReleasePublishError('release_changed', `The copy of release ${release.dir} does not check out (${difference}); nothing was published`);
    try {
      await rename(staging, destination);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new ReleasePublishError('folder_conflict', `${destination} appeared while the release was being copied; refusing to overwrite it`);
      throw err;
    }
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  onProgress?.(total, total);
  return result;
}

/** What differs between `dir` and the release's files (sizes and sha256), or null when they are the same. */
async function compareCopy(dir: string, files: readonly ReleaseFile[]): Promise<string | null> {
  const stat = await lstat(dir);
  if (!stat.isDirectory()) return 'not a directory';
  let found: string[];
  try {
    found = await listFiles(dir, (message) => new ReleasePublishError('folder_conflict', message));
  } catch (err) {
    if (err instanceof ReleasePublishError) return err.message;
    throw err;
  }
  const expected = new Map(files.map((f) => [f.path, f]));
  const extra = found.find((f) => !expected.has(f));
  if (extra) return `${extra} is not part of the release`;
  const present = new Set(found);
  for (const file of files) {
    if (!present.has(file.path)) return `${file.path} is missing`;
    const { size } = await lstat(path.join(dir, file.path));
    if (size !== file.bytes) return `${file.path} has ${size} bytes instead of ${file.bytes}`;
  }
  for (const file of files) {
    if ((await hashFile(path.join(dir, file.path))) !== file.sha256) return `${file.path} has a different sha256`;
  }
  return null;
}
