/**
 * Bulk NDJSON ingest of feedback events through the HTTP API (streamed body, validation, consent,
 * batched durable writes) against a raw prepared better-sqlite3 insert of the same rows in one
 * transaction into the same pool; then the same on PostgreSQL against a raw multi-row pg insert.
 * Run: npx tsx bench/bulk-ingest.ts [events]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../packages/server/src/index.js';
import { CLI, REPO_ROOT, startChild } from './support/child-server.js';

const EVENTS = Number(process.argv[2] ?? 200_000);
const CONVERSATIONS = 1_000;
const POSTGRES = process.env.OPENFEEDBACK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

function conversationsNdjson(): string {
  const lines: string[] = [];
  for (let c = 0; c < CONVERSATIONS; c++) {
    lines.push(
      JSON.stringify({
        type: 'conversation',
        id: `bench-c${c}`,
        language: 'en',
        messages: [
          { id: `bench-c${c}-q`, role: 'user', content: `Question number ${c}: how do rivers form?` },
          { id: `bench-c${c}-a`, role: 'assistant', content: `Answer ${c}: rain collects into streams that join into rivers.` },
        ],
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** A realistic mix of kinds, each line with its own id (so a re-send would be idempotent). */
function feedbackNdjson(events: number): string {
  const lines: string[] = new Array(events);
  for (let i = 0; i < events; i++) {
    const c = i % CONVERSATIONS;
    const base = { type: 'feedback', id: `bench-f${i}`, conversation_id: `bench-c${c}`, message_id: `bench-c${c}-a` };
    const kind = i % 4;
    lines[i] = JSON.stringify(
      kind === 0
        ? { ...base, kind: 'thumbs', value: i % 3 === 0 ? 'down' : 'up' }
        : kind === 1
          ? { ...base, kind: 'rating', score: 1 + (i % 5) }
          : kind === 2
            ? { ...base, kind: 'critique', text: `Critique ${i}: could cite a source.`, span: { start: 0, end: 6 }, sentiment: 0 }
            : { ...base, kind: 'flag', reason: 'other', note: 'bench' },
    );
  }
  return `${lines.join('\n')}\n`;
}

async function postNdjson(url: string, apiKey: string, body: string) {
  const res = await fetch(`${url}/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-ndjson' }, body });
  const report = (await res.json()) as { feedback: number; conversations: number; rejected: number; errors: unknown[] };
  if (!res.ok || report.rejected > 0) throw new Error(`ingest failed: ${res.status} ${JSON.stringify(report).slice(0, 500)}`);
  return report;
}

async function consentFor(url: string, handle: string) {
  const s = await fetch(`${url}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle, password: 'bench password 123' }) });
  const cookie = s.headers.get('set-cookie')!.split(';')[0]!;
  await fetch(`${url}/v1/consent`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ terms_version: '2026-11', adult_confirmed: true, licence: 'CC0-1.0', attribution: 'none' }) });
}

/** Ingest through a server in its own process; returns events per second of the feedback upload. */
async function ingestThroughApi(db: string, feedback: string): Promise<{ perSecond: number; rowsDb: string }> {
  const admin = JSON.parse(execFileSync('node', [CLI, 'admin', 'create', '--handle', 'bench-admin', '--password', 'bench password 123', '--db', db, '--json'], { cwd: REPO_ROOT }).toString());
  // One account sends every event: the daily feedback cap (2,000 by default) is off for the measurement.
  const server = await startChild('node', [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', db, '--log-level', 'warn'], { OPENFEEDBACK_DAILY_FEEDBACK_CAP: '0' });
  try {
    await consentFor(server.url, 'bench-admin');
    await postNdjson(server.url, admin.api_key, conversationsNdjson());
    const t0 = performance.now();
    const report = await postNdjson(server.url, admin.api_key, feedback);
    const seconds = (performance.now() - t0) / 1000;
    if (report.feedback !== EVENTS) throw new Error(`expected ${EVENTS} events, stored ${report.feedback}`);
    return { perSecond: EVENTS / seconds, rowsDb: db };
  } finally {
    await server.stop();
  }
}

/** The rows the ingest stored, read back, for the raw baselines to insert again. */
async function storedRows(db: string) {
  const store = await openStore(db);
  try {
    return await store.db.selectFrom('feedback').selectAll().execute();
  } finally {
    await store.close();
  }
}

/**
 * The ceiling does the same database work as the API: the same rows into a copy of the same pool
 * (its conversations, messages, consents and indexes, foreign keys on), with the feedback removed.
 */
async function rawSqliteInsert(rows: Awaited<ReturnType<typeof storedRows>>, poolDb: string, dir: string): Promise<number> {
  copyFileSync(poolDb, join(dir, 'raw.db'));
  const store = await openStore(join(dir, 'raw.db'));
  if (store.raw.kind !== 'sqlite') throw new Error('unreachable');
  const raw = store.raw.database;
  raw.exec('delete from feedback');
  const columns = Object.keys(rows[0]!);
  const insert = raw.prepare(`insert into feedback (${columns.join(',')}) values (${columns.map(() => '?').join(',')})`);
  const t0 = performance.now();
  raw.transaction(() => {
    for (const r of rows) insert.run(...columns.map((c) => (r as Record<string, unknown>)[c]));
  })();
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  return rows.length / seconds;
}

/** The PostgreSQL ceiling: the same rows into the pool the API filled, with its feedback removed. */
async function rawPostgresInsert(rows: Awaited<ReturnType<typeof storedRows>>, schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: POSTGRES, options: `-c search_path=${schema}` });
  await client.connect();
  await client.query('delete from feedback');
  await client.query('vacuum feedback');
  const columns = Object.keys(rows[0]!);
  const chunk = 400;
  const t0 = performance.now();
  await client.query('begin');
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const values: unknown[] = [];
    const tuples = part.map((r, j) => `(${columns.map((c, k) => (values.push((r as Record<string, unknown>)[c]), `$${j * columns.length + k + 1}`)).join(',')})`);
    await client.query(`insert into feedback (${columns.join(',')}) values ${tuples.join(',')}`, values);
  }
  await client.query('commit');
  const seconds = (performance.now() - t0) / 1000;
  await client.end();
  return rows.length / seconds;
}

async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: POSTGRES, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

export interface BulkIngestResult {
  sqliteApi: number;
  sqliteRaw: number;
  postgresApi: number | null;
  postgresRaw: number | null;
}

export async function benchBulkIngest(): Promise<BulkIngestResult> {
  const dir = mkdtempSync(join(tmpdir(), 'of-bench-ingest-'));
  const feedback = feedbackNdjson(EVENTS);
  try {
    const sqlite = await ingestThroughApi(join(dir, 'pool.db'), feedback);
    const rows = await storedRows(sqlite.rowsDb);
    const sqliteRaw = await rawSqliteInsert(rows, sqlite.rowsDb, dir);
    let postgresApi: number | null = null;
    let postgresRaw: number | null = null;
    if (await postgresReachable()) {
      const schema = `of_bench_api_${process.pid}`;
      try {
        const url = `${POSTGRES}?schema=${schema}`;
        postgresApi = (await ingestThroughApi(url, feedback)).perSecond;
        postgresRaw = await rawPostgresInsert(await storedRows(url), schema);
      } finally {
        const c = new pg.Client({ connectionString: POSTGRES });
        await c.connect();
        await c.query(`drop schema if exists ${schema} cascade`);
        await c.end();
      }
    }
    return { sqliteApi: sqlite.perSecond, sqliteRaw, postgresApi, postgresRaw };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchBulkIngest();
  const f = (n: number) => `${Math.round(n).toLocaleString('en')} events/s`;
  console.log(`bulk ingest of ${EVENTS.toLocaleString('en')} feedback events`);
  console.log(`  SQLite  raw prepared insert, one transaction (ceiling)  ${f(r.sqliteRaw)}`);
  console.log(`  SQLite  POST /v1/ingest (NDJSON, full stack)            ${f(r.sqliteApi)}   ratio ${(r.sqliteApi / r.sqliteRaw).toFixed(2)}`);
  if (r.postgresApi !== null && r.postgresRaw !== null) {
    console.log(`  Postgres raw multi-row insert, one transaction (ceiling) ${f(r.postgresRaw)}`);
    console.log(`  Postgres POST /v1/ingest (NDJSON, full stack)           ${f(r.postgresApi)}   ratio ${(r.postgresApi / r.postgresRaw).toFixed(2)}`);
  } else console.log('  PostgreSQL not reachable: skipped');
}
