import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './run-command.js';

/** `openfeedback import` and `export`, run as a user runs them, on a temp SQLite pool. */
const SHAREGPT = fileURLToPath(new URL('../../../../shared/data/sharegpt/dummy_conversation.json', import.meta.url));

let root: string;
let db: string;

const run = (args: string[]) => runCommand(args, root, { maxBuffer: 64 * 1024 * 1024 });

const fileConversations = JSON.parse(readFileSync(SHAREGPT, 'utf8')) as { id: string; conversations: unknown[] }[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'openfeedback-interchange-cli-'));
  db = join(root, 'pool.db');
  const first = await run(['import', 'sharegpt', SHAREGPT, '--db', db, '--licence', 'Apache-2.0', '--json']);
  expect(first.code, first.stderr).toBe(0);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('openfeedback import', () => {
  it('imports every conversation of the file once, and nothing the second time', async () => {
    const again = await run(['import', 'sharegpt', SHAREGPT, '--db', db, '--licence', 'Apache-2.0', '--json']);
    const report = JSON.parse(again.stdout);
    expect(report).toMatchObject({ records: fileConversations.length, conversations: { imported: 0, duplicate: fileConversations.length }, messages: { imported: 0 } });
    const stats = JSON.parse((await run(['stats', '--db', db, '--json'])).stdout);
    expect(stats.conversations).toBe(fileConversations.length);
    expect(stats.messages).toBe(fileConversations.reduce((n, c) => n + c.conversations.length, 0));
  });

  it('reports bad records by position and goes on, or stops at the first with --strict (exit code 1)', async () => {
    const file = join(root, 'mixed.jsonl');
    writeFileSync(file, ['{"id":"m1","conversations":[{"from":"human","value":"hi"},{"from":"gpt","value":"hello"}]}', '{broken', '{"id":"m3","conversations":[{"from":"robot","value":"?"}]}', '{"id":"m4","conversations":[{"from":"human","value":"bye"}]}'].join('\n'));
    const lenient = await run(['import', 'sharegpt', file, '--db', join(root, 'lenient.db'), '--licence', 'CC0-1.0', '--json']);
    expect(lenient.code).toBe(0);
    const report = JSON.parse(lenient.stdout);
    expect(report.conversations.imported).toBe(2);
    expect(report.rejected).toEqual({ invalid_json: 1, invalid_record: 1 });
    expect(report.errors.map((e: { position: number; code: string }) => [e.position, e.code])).toEqual([
      [2, 'invalid_json'],
      [3, 'invalid_record'],
    ]);
    const strict = await run(['import', 'sharegpt', file, '--db', join(root, 'strict.db'), '--licence', 'CC0-1.0', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('mixed.jsonl:2');
    expect(strict.stdout).toContain('stopped at the first problem');
  });

  it('refuses an unknown format, naming the known ones', async () => {
    const res = await run(['import', 'csv', SHAREGPT, '--db', join(root, 'x.db')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/unknown format "csv"; formats: .*sharegpt/);
  });
});

describe('openfeedback export', () => {
  it('writes JSON Lines to standard output and Parquet to a file, with the same rows', async () => {
    const jsonl = await run(['export', 'conversations', '--db', db]);
    expect(jsonl.code, jsonl.stderr).toBe(0);
    const rows = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l) as { conversation_id: string; messages: unknown[] });
    expect(rows).toHaveLength(fileConversations.length);
    const out = join(root, 'conversations.parquet');
    const pq = await run(['export', 'conversations', '--db', db, '--format', 'parquet', '--out', out]);
    expect(pq.code, pq.stderr).toBe(0);
    expect(pq.stderr).toContain(`${fileConversations.length} rows of conversations written to`);
    const read = (await parquetReadObjects({ file: await asyncBufferFromFile(out) })) as Record<string, unknown>[];
    expect(read.map((r) => ({ ...r, created_at: (r.created_at as Date).toISOString() }))).toEqual(rows);
  });

  it('filters, and names a bad filter', async () => {
    const none = await run(['export', 'conversations', '--db', db, '--filter', 'language=pt']);
    expect(none.stdout).toBe('');
    const bad = await run(['export', 'conversations', '--db', db, '--filter', 'language=not a language']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--filter language');
    const unknown = await run(['export', 'conversations', '--db', db, '--filter', 'colour=red']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('colour');
  });
});
