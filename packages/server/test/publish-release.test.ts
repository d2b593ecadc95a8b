import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishRelease, ReleasePublishError, verifyRelease } from '../src/releases/publish-release.js';
import { startFakeHub, type FakeHub } from './support/fake-hub.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'openfeedback-publish-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A small release: a dataset card, parquet-like random bytes, jsonl, a nested data/ path, an empty file, and its manifest. */
async function makeRelease(version = '2025.06.1', name = `openfeedback-${version}`): Promise<{ dir: string; files: Map<string, Buffer> }> {
  const dir = path.join(work, name);
  const files = new Map<string, Buffer>([
    ['README.md', Buffer.from(`---\nlicense: cc-by-4.0\npretty_name: OpenFeedback ${version}\nconfigs:\n  - config_name: preferences\n    data_files: data/preferences/*.parquet\n---\n\n# OpenFeedback ${version}\n`)],
    ['OPENNESS.md', Buffer.from('# Openness\n\nEverything here is released under the licences listed per record.\n')],
    ['data/preferences/train-00000-of-00001.parquet', Buffer.concat([Buffer.from('PAR1'), randomBytes(300 * 1024), Buffer.from('PAR1')])],
    ['data/conversations.jsonl', Buffer.from(Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `c${i}`, text: `Question ${i}? Answer ${i}.` })).join('\n') + '\n')],
    ['removals.jsonl', Buffer.alloc(0)],
  ]);
  for (const [p, bytes] of files) {
    await mkdir(path.dirname(path.join(dir, p)), { recursive: true });
    await writeFile(path.join(dir, p), bytes);
  }
  const manifest = { version, created_at: '2025-06-01T00:00:00Z', files: [...files].map(([p, bytes]) => ({ path: p, bytes: bytes.length, sha256: sha256(bytes) })) };
  const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
  await writeFile(path.join(dir, 'manifest.json'), manifestBytes);
  files.set('manifest.json', manifestBytes);
  return { dir, files };
}

const totalBytes = (files: Map<string, Buffer>) => [...files.values()].reduce((sum, b) => sum + b.length, 0);

async function rejection(promise: Promise<unknown>): Promise<ReleasePublishError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ReleasePublishError);
  return err as ReleasePublishError;
}

describe('publishRelease to the hub', () => {
  let hub: FakeHub;
  beforeEach(async () => {
    hub = await startFakeHub();
  });
  afterEach(async () => {
    await hub.close();
  });

  it('creates the dataset repo and commits every file, the binary one through LFS', async () => {
    const { dir, files } = await makeRelease();
    const progress: [number, number][] = [];
    const result = await publishRelease(dir, { kind: 'hub', repo: 'openfeedback/pool', token: hub.token, hubUrl: hub.url }, (done, total) => progress.push([done, total]));

    const repo = hub.repos.get('openfeedback/pool');
    expect(repo?.type).toBe('dataset');
    expect(repo?.commits).toHaveLength(1);
    const commit = repo!.commits[0]!;
    expect(commit.title).toBe('Release 2025.06.1');
    expect(commit.branch).toBe('main');
    expect([...commit.files.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [p, bytes] of files) expect(sha256(commit.files.get(p)!), p).toBe(sha256(bytes));
    expect([...commit.lfsPaths]).toEqual(['data/preferences/train-00000-of-00001.parquet']);

    expect(result).toEqual({
      target: `${hub.url}/datasets/openfeedback/pool`,
      files: files.size,
      bytes: totalBytes(files),
      commit: commit.oid,
      url: `${hub.url}/datasets/openfeedback/pool/commit/${commit.oid}`,
    });
    const total = totalBytes(files);
    expect(progress.every(([, t]) => t === total)).toBe(true);
    expect(progress[0]).toEqual([0, total]);
    expect(progress.at(-1)).toEqual([total, total]);
    for (let i = 1; i < progress.length; i++) expect(progress[i]![0]).toBeGreaterThanOrEqual(progress[i - 1]![0]);

    // The calls the library made, all with the token but the pre-signed-style upload.
    expect(hub.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /api/datasets/openfeedback/pool 404',
      'POST /api/repos/create 200',
      'POST /api/datasets/openfeedback/pool/preupload/main 200',
      'POST /datasets/openfeedback/pool.git/info/lfs/objects/batch 200',
      expect.stringMatching(/^PUT \/lfs-upload\/[0-9a-f]+ 200$/),
      'POST /api/datasets/openfeedback/pool/commit/main 200',
    ]);
    expect(hub.requests.filter((r) => !r.path.startsWith('/lfs-upload/')).every((r) => r.authorized)).toBe(true);
  });

  it('creates a private repo when asked, and commits to the given branch with the given title', async () => {
    const { dir } = await makeRelease();
    await publishRelease(dir, { kind: 'hub', repo: 'openfeedback/private-pool', token: hub.token, hubUrl: hub.url, private: true, revision: 'staging', commitTitle: 'Staging build' });
    const repo = hub.repos.get('openfeedback/private-pool')!;
    expect(repo.private).toBe(true);
    expect(repo.commits.map((c) => [c.title, c.branch])).toEqual([['Staging build', 'staging']]);
  });

  it('publishes a second release to the existing repo as a second commit', async () => {
    const first = await makeRelease('2025.06.1');
    await publishRelease(first.dir, { kind: 'hub', repo: 'openfeedback/pool', token: hub.token, hubUrl: hub.url });
    hub.requests.length = 0;

    const second = await makeRelease('2025.07.1');
    const result = await publishRelease(second.dir, { kind: 'hub', repo: 'openfeedback/pool', token: hub.token, hubUrl: hub.url });
    const repo = hub.repos.get('openfeedback/pool')!;
    expect(repo.commits.map((c) => c.title)).toEqual(['Release 2025.06.1', 'Release 2025.07.1']);
    expect(result.commit).toBe(repo.commits[1]!.oid);
    for (const [p, bytes] of second.files) expect(sha256(repo.commits[1]!.files.get(p)!), p).toBe(sha256(bytes));
    expect(hub.requests.some((r) => r.path === '/api/repos/create')).toBe(false);

    // The same release again: a third commit, and the LFS object already there is not sent again.
    hub.requests.length = 0;
    await publishRelease(second.dir, { kind: 'hub', repo: 'openfeedback/pool', token: hub.token, hubUrl: hub.url });
    expect(repo.commits).toHaveLength(3);
    expect(hub.requests.some((r) => r.method === 'PUT')).toBe(false);
    expect(repo.commits[2]!.files.get('data/preferences/train-00000-of-00001.parquet')).toEqual(second.files.get('data/preferences/train-00000-of-00001.parquet'));
  });

  it('uploads a large file in parts when the hub asks for a multipart transfer', async () => {
    const multipart = await startFakeHub({ token: hub.token, multipartChunkBytes: 64 * 1024 });
    try {
      const { dir, files } = await makeRelease();
      await publishRelease(dir, { kind: 'hub', repo: 'openfeedback/pool', token: hub.token, hubUrl: multipart.url });
      const commit = multipart.repos.get('openfeedback/pool')!.commits[0]!;
      for (const [p, bytes] of files) expect(sha256(commit.files.get(p)!), p).toBe(sha256(bytes));
      const parquetBytes = files.get('data/preferences/train-00000-of-00001.parquet')!.length;
      expect(multipart.requests.filter((r) => /^\/lfs-upload\/[0-9a-f]+\/part\/\d+$/.test(r.path))).toHaveLength(Math.ceil(parquetBytes / (64 * 1024)));
      expect(multipart.requests.filter((r) => r.path.endsWith('/complete'))).toEqual([expect.objectContaining({ method: 'POST', status: 200 })]);
    } finally {
      await multipart.close();
    }
  });

  it('fails without committing when a file changes after it was verified', async () => {
    const { dir } = await makeRelease();
    const readme = path.join(dir, 'README.md');
    const err = await rejection(
      publishRelease(dir, { kind: 'hub', repo: 'openfeedback/pool', token: hub.token, hubUrl: hub.url }, (done) => {
        // Called once the release is verified, before the first request: an edit of the same size.
        if (done === 0) writeFileSync(readme, readFileSync(readme, 'utf8').replace('OpenFeedback', 'OpenFeedbacK'));
      }),
    );
    expect(err.reason).toBe('release_changed');
    expect(hub.repos.get('openfeedback/pool')?.commits ?? []).toHaveLength(0);
  });

  it('refuses a wrong token with a clear error that does not contain it, and commits nothing', async () => {
    const { dir } = await makeRelease();
    const wrong = `hf_wrong${randomBytes(16).toString('hex')}`;
    const err = await rejection(publishRelease(dir, { kind: 'hub', repo: 'openfeedback/pool', token: wrong, hubUrl: hub.url }));
    expect(err.reason).toBe('hub_unauthorized');
    expect(err.status).toBe(401);
    expect(err.message).toMatch(/rejected the access token \(HTTP 401\)/);
    expect(err.message).toContain('openfeedback/pool');
    expect(`${err.message}\n${err.stack}\n${JSON.stringify(err)}`).not.toContain(wrong);
    expect(hub.repos.size).toBe(0);
    expect(hub.requests.every((r) => !r.authorized && r.status !== 200)).toBe(true);
  });

  it('refuses a token the library would refuse, before any request', async () => {
    const { dir } = await makeRelease();
    const err = await rejection(publishRelease(dir, { kind: 'hub', repo: 'openfeedback/pool', token: 'not-a-hub-token-123', hubUrl: hub.url }));
    expect(err.message).toMatch(/must start with "hf_"/);
    expect(err.message).not.toContain('not-a-hub-token-123');
    expect(hub.requests).toHaveLength(0);
  });

  it('reports an unreachable hub without the token', async () => {
    const { dir } = await makeRelease();
    const closed = await startFakeHub({ token: hub.token });
    const url = closed.url;
    await closed.close();
    const err = await rejection(publishRelease(dir, { kind: 'hub', repo: 'openfeedback/pool', token: hub.token, hubUrl: url }));
    expect(err.reason).toBe('hub_unreachable');
    expect(err.message).toContain(url);
    expect(err.message).not.toContain(hub.token);
  });

  it('refuses a file changed after the manifest was written, before any request', async () => {
    const { dir, files } = await makeRelease();
    const jsonl = Buffer.from(files.get('data/conversations.jsonl')!);
    jsonl[10] = jsonl[10]! ^ 0x01; // same size, different bytes
    await writeFile(path.join(dir, 'data/conversations.jsonl'), jsonl);
    const err = await rejection(publishRelease(dir, { kind: 'hub', repo: 'openfeedback/pool', token: hub.token, hubUrl: hub.url }));
    expect(err.reason).toBe('invalid_release');
    expect(err.message).toContain('data/conversations.jsonl');
    expect(err.message).toMatch(/sha256/);
    expect(hub.requests).toHaveLength(0);
  });

  it('refuses a file of another size, a missing file and an extra file, before any request', async () => {
    const sized = await makeRelease('1', 'sized');
    await writeFile(path.join(sized.dir, 'OPENNESS.md'), 'shorter');
    expect((await rejection(publishRelease(sized.dir, { kind: 'hub', repo: 'o/n', token: hub.token, hubUrl: hub.url }))).message).toMatch(/OPENNESS\.md has 7 bytes/);

    const missing = await makeRelease('1', 'missing');
    await rm(path.join(missing.dir, 'removals.jsonl'));
    expect((await rejection(publishRelease(missing.dir, { kind: 'hub', repo: 'o/n', token: hub.token, hubUrl: hub.url }))).message).toMatch(/removals\.jsonl is listed in manifest\.json but missing/);

    const extra = await makeRelease('1', 'extra');
    await writeFile(path.join(extra.dir, 'data/preferences/notes.txt'), 'not in the manifest');
    expect((await rejection(publishRelease(extra.dir, { kind: 'hub', repo: 'o/n', token: hub.token, hubUrl: hub.url }))).message).toMatch(/data\/preferences\/notes\.txt is not listed in manifest\.json/);

    expect(hub.requests).toHaveLength(0);
    expect(hub.repos.size).toBe(0);
  });

  it('refuses a release without a usable manifest', async () => {
    const { dir } = await makeRelease();
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({ version: '1', files: [{ path: '../escape', bytes: 1, sha256: 'a'.repeat(64) }] }));
    expect((await rejection(verifyRelease(dir))).message).toMatch(/invalid path "\.\.\/escape"/);
    await rm(path.join(dir, 'manifest.json'));
    expect((await rejection(verifyRelease(dir))).message).toMatch(/manifest\.json is missing/);
  });
});

describe('publishRelease to a folder', () => {
  it('copies and verifies the release; publishing it again is a no-op', async () => {
    const { dir, files } = await makeRelease();
    const out = path.join(work, 'published');
    const progress: [number, number][] = [];
    const result = await publishRelease(dir, { kind: 'folder', path: out }, (done, total) => progress.push([done, total]));
    const copy = path.join(out, path.basename(dir));
    expect(result).toEqual({ target: copy, files: files.size, bytes: totalBytes(files) });
    for (const [p, bytes] of files) expect(await readFile(path.join(copy, p)), p).toEqual(bytes);
    expect(await readdir(out)).toEqual([path.basename(dir)]); // no staging directory left behind
    expect(progress.at(-1)).toEqual([totalBytes(files), totalBytes(files)]);
    await expect(verifyRelease(copy)).resolves.toMatchObject({ version: '2025.06.1', bytes: totalBytes(files) });

    const before = (await stat(path.join(copy, 'README.md'))).mtimeMs;
    const again = await publishRelease(dir, { kind: 'folder', path: out });
    expect(again).toEqual({ ...result, alreadyPublished: true });
    expect((await stat(path.join(copy, 'README.md'))).mtimeMs).toBe(before);
  });

  it('refuses to overwrite a conflicting folder, and leaves it as it was', async () => {
    const { dir } = await makeRelease();
    const out = path.join(work, 'published');
    const copy = path.join(out, path.basename(dir));
    await mkdir(copy, { recursive: true });
    await writeFile(path.join(copy, 'README.md'), 'someone else’s release');

    const err = await rejection(publishRelease(dir, { kind: 'folder', path: out }));
    expect(err.reason).toBe('folder_conflict');
    expect(err.message).toContain(copy);
    expect(await readdir(copy)).toEqual(['README.md']);
    expect(await readdir(out)).toEqual([path.basename(dir)]);

    // Same files but one differs in content only.
    await rm(copy, { recursive: true });
    await publishRelease(dir, { kind: 'folder', path: out });
    const parquet = path.join(copy, 'data/preferences/train-00000-of-00001.parquet');
    const bytes = await readFile(parquet);
    bytes[100] = bytes[100]! ^ 0xff;
    await writeFile(parquet, bytes);
    const differs = await rejection(publishRelease(dir, { kind: 'folder', path: out }));
    expect(differs.message).toMatch(/train-00000-of-00001\.parquet has a different sha256/);
  });

  it('refuses to publish a release into itself', async () => {
    const { dir } = await makeRelease();
    const err = await rejection(publishRelease(dir, { kind: 'folder', path: path.join(dir, 'out') }));
    expect(err.reason).toBe('invalid_target');
    await expect(verifyRelease(dir)).resolves.toBeDefined();
  });

  it('refuses a tampered release without creating the folder', async () => {
    const { dir } = await makeRelease();
    await writeFile(path.join(dir, 'README.md'), 'tampered');
    const out = path.join(work, 'published');
    const err = await rejection(publishRelease(dir, { kind: 'folder', path: out }));
    expect(err.message).toContain('README.md');
    await expect(stat(out)).rejects.toThrow();
  });
});
