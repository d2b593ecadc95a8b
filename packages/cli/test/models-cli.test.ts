import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './run-command.js';
import type { Model } from '@openfeedback/core';
import { ConfigSchema, createAdmin, createServiceContext, migrateToLatest, openStore } from '@openfeedback/server';
import { createCommunity } from '../../server/src/services/communities.js';
import { createModel } from '../../server/src/services/models.js';

/**
 * `openfeedback models list|update`, run as an operator runs it, on a temp SQLite pool with one
 * community and two registered models.
 */

let root: string;
let db: string;

const run = (args: string[]) => runCommand(args, root);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'openfeedback-models-cli-'));
  db = join(root, 'pool.db');
  const store = await openStore(db, { sqliteSynchronous: 'normal' });
  await migrateToLatest(store);
  const ctx = createServiceContext(store, ConfigSchema.parse({ db, logLevel: 'silent' }));
  const { contributor } = await createAdmin(ctx, 'ada', 'ada has a long passphrase');
  const admin = { contributorId: contributor.id, roles: contributor.roles, via: 'session' as const, keyId: null, scopes: null };
  const community = await createCommunity(ctx, admin, { slug: 'rivers', name: 'Rivers', kind: 'domain', languages: ['en'], description: '', guidelines: '', rubric: [] });
  for (const slug of ['heron', 'kestrel']) {
    await createModel(ctx, admin, { slug, name: slug.toUpperCase(), community_id: community.id, base_url: 'http://127.0.0.1:9/v1', model_name: `${slug}-7b`, output_terms: '', output_licences: [], api_key_env: null, arena_weight: 1 });
  }
  await store.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const listed = async (): Promise<Model[]> => {
  const res = await run(['models', 'list', '--db', db, '--json']);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as Model[];
};

describe('openfeedback models', () => {
  it('lists the models with their community and arena weight', async () => {
    const res = await run(['models', 'list', '--db', db]);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^slug\s+name\s+community\s+model name\s+arena weight$/);
    const rows = lines.slice(1).map((l) => l.split(/\s+/)).sort((a, b) => a[0]!.localeCompare(b[0]!));
    expect(rows).toEqual([
      ['heron', 'HERON', 'rivers', 'heron-7b', '1'],
      ['kestrel', 'KESTREL', 'rivers', 'kestrel-7b', '1'],
    ]);
    expect((await listed()).map((m) => m.slug).sort()).toEqual(['heron', 'kestrel']);
  });

  it('changes a model’s arena weight, stored for the arena to read', async () => {
    const res = await run(['models', 'update', 'kestrel', '--arena-weight', '0', '--db', db]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toBe('kestrel: arena weight 0\n');
    const weights = Object.fromEntries((await listed()).map((m) => [m.slug, m.arena_weight]));
    expect(weights).toEqual({ heron: 1, kestrel: 0 });
  });

  it('refuses a weight that is not a number from 0 to 1000, naming the option, and changes nothing', async () => {
    for (const bad of ['abc', '-1', '1001', '']) {
      const res = await run(['models', 'update', 'heron', '--arena-weight', bad, '--db', db]);
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain('--arena-weight: must be a number from 0 to 1000');
    }
    const unknown = await run(['models', 'update', 'nope', '--arena-weight', '2', '--db', db]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('model not found');
    expect(Object.fromEntries((await listed()).map((m) => [m.slug, m.arena_weight]))).toEqual({ heron: 1, kestrel: 0 });
  });
});
