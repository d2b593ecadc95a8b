import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Feedback } from '@openfeedback/core';
import { openStore, type Store } from '../src/index.js';
import { toFeedback } from '../src/store/feedback-repository.js';
import { TEST_DATABASES, type TestDatabase } from './support/databases.js';

/**
 * Crash durability of the write path, end to end: the real `openfeedback serve` (default durability:
 * SQLite synchronous=full, one transaction per write on PostgreSQL) under a stream of concurrent
 * feedback POSTs is killed with SIGKILL mid-stream and restarted on the same database. Everything it
 * acknowledged with a 2xx must be there, exactly as acknowledged; nothing may be half-written; and
 * retries with the same Idempotency-Key must not duplicate what committed before the kill.
 * A server that answered before its COMMIT (or lost a group commit) fails the first test.
 * SIGKILL tests a crashed process, not a power cut: the OS page cache survives it.
 */
const BIN = fileURLToPath(new URL('../../cli/bin/openfeedback.js', import.meta.url));
const CONCURRENCY = 32;
/** Each round loads the server for 1–2 s (random, so the kill lands anywhere in the commit cycle). */
const LOAD_MS = { min: 1000, max: 2000 };
/**
 * A SIGKILL loses an early-acknowledged write only if it lands between the answer and the COMMIT's
 * write(): one kill catches such a bug about half the time (measured on a mutant that resolved
 * before COMMIT), so the durability test kills three times.
 */
const KILLS = 3;
/** A kill whose in-flight requests had all been answered already proves little: load and kill again. */
const EXTRA_KILLS = 2;
const PASSWORD = 'durability test password';

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OPENFEEDBACK_')) env[k] = v;
  // Thousands of writes a second from one key: the default 600 a minute (and 2,000 events a day) would answer most with 429.
  return { ...env, OPENFEEDBACK_RATE_LIMIT_MAX: '1000000000', OPENFEEDBACK_DAILY_FEEDBACK_CAP: '0' };
}

interface Server {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

async function startServer(db: string): Promise<Server> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', db], { env: cleanEnv() });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20_000);
    const check = () => {
      const m = /OpenFeedback listening on (http:\/\/\S+) /.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  return { url, child, exited, output: () => out };
}

function cli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { env: cleanEnv(), timeout: 20_000 }, (error, stdout, stderr) =>
      error === null ? resolve(stdout) : reject(new Error(`openfeedback ${args[0]} failed: ${stderr}`)),
    );
  });
}

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** Node's fetch: undici's global dispatcher keeps connections alive, so 32 workers reuse 32 sockets. */
async function api(base: string, method: string, path: string, auth: { key?: string; cookie?: string }, body?: unknown, extra: Record<string, string> = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...extra };
  if (auth.key !== undefined) headers.authorization = `Bearer ${auth.key}`;
  if (auth.cookie !== undefined) headers.cookie = auth.cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers };
}

/** Letters only: distinctive, and nothing a PII scrubber could mistake for a phone number. */
function payload(length: number): string {
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(97 + (b % 26));
  return s;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    }),
  );
  return results;
}

interface Sent {
  input: Record<string, unknown>;
  key?: string;
  /** Set only when the whole 2xx response arrived: an acknowledged write. */
  ack?: Reply;
  /** A complete non-2xx response (none is expected). */
  rejected?: Reply;
  /** The request failed at the connection: no answer, the write may or may not have happened. */
  error?: string;
}

/**
 * CONCURRENCY workers POST feedback back to back; after LOAD_MS (and once more than CONCURRENCY
 * writes were acknowledged) the server gets SIGKILL while they wait for answers. No request is started after the kill.
 */
async function streamThenKill(server: Server, apiKey: string, make: (n: number) => { input: Record<string, unknown>; key?: string }) {
  const sent: Sent[] = [];
  let stopping = false;
  let inFlight = 0;
  const worker = async () => {
    while (!stopping) {
      const { input, key } = make(sent.length);
      const s: Sent = { input, ...(key !== undefined && { key }) };
      sent.push(s);
      inFlight++;
      try {
        const reply = await api(server.url, 'POST', '/v1/feedback', { key: apiKey }, input, key === undefined ? {} : { 'idempotency-key': key });
        if (reply.status >= 200 && reply.status < 300) s.ack = reply;
        else s.rejected = reply;
      } catch (e) {
        s.error = String((e as Error).cause ?? e);
      } finally {
        inFlight--;
      }
    }
  };
  const workers = Array.from({ length: CONCURRENCY }, worker);
  const loadMs = randomInt(LOAD_MS.min, LOAD_MS.max);
  await new Promise((r) => setTimeout(r, loadMs));
  // On a loaded machine the server may still be warming up: the kill must land mid-stream, after
  // more than one round of acknowledged writes (expectKilledMidStream), so wait for them (≤ 10 s).
  for (let waited = 0; sent.filter((x) => x.ack !== undefined).length <= CONCURRENCY && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  stopping = true;
  const inFlightAtKill = inFlight;
  server.child.kill('SIGKILL');
  await Promise.all(workers);
  await server.exited;
  const rejected = sent.filter((s) => s.rejected !== undefined);
  const unanswered = sent.filter((s) => s.error !== undefined);
  expect(rejected.map((s) => `${s.rejected!.status} ${JSON.stringify(s.rejected!.body)}`).slice(0, 3), 'non-2xx answers under load').toEqual([]);
  return { sent, unanswered, inFlightAtKill, loadMs };
}

interface LoadRun {
  sent: Sent[];
  acked: Sent[];
  unanswered: Sent[];
  inFlightAtKill: number;
  loadMs: number[];
}

/** Checked after the data: the kill must have landed mid-stream, or the run proved nothing. */
function expectKilledMidStream(run: LoadRun): void {
  expect(run.inFlightAtKill, 'requests in flight at SIGKILL').toBeGreaterThan(0);
  expect(run.unanswered.length, `requests cut off by ${run.loadMs.length} kill(s)`).toBeGreaterThan(0);
  expect(run.acked.length, 'acknowledged before the kill').toBeGreaterThan(CONCURRENCY);
}

function describeRun(run: LoadRun): string {
  const kills = run.loadMs.length;
  return `${kills} SIGKILL${kills > 1 ? 's' : ''} (after ${run.loadMs.join('/')} ms of load, ${run.inFlightAtKill} in flight): sent ${run.sent.length}, acknowledged ${run.acked.length}, unanswered ${run.unanswered.length}`;
}

/** The fields sent must come back as sent (the server adds its own: id, times, licence, valence…). */
function expectAsSent(stored: Record<string, unknown>, input: Record<string, unknown>, label: string): void {
  const expected = { provenance: { type: 'human' }, methodology_version: 'of-1', status: 'active', ...input };
  for (const [field, value] of Object.entries(expected)) expect(stored[field], `${label}: field "${field}"`).toEqual(value);
}

/** Every event of a conversation straight from the database, checked against the API's schema. */
async function storedEvents(store: Store, conversationId: string): Promise<Feedback[]> {
  const rows = await store.db.selectFrom('feedback').selectAll().where('conversation_id', '=', conversationId).execute();
  return rows.map((row) => {
    const parsed = Feedback.safeParse(toFeedback(row));
    expect(parsed.success, `stored event ${row.id} is not a valid, complete event: ${parsed.error?.message}`).toBe(true);
    return toFeedback(row);
  });
}

describe.each(TEST_DATABASES)('durability across SIGKILL on $name', (database: TestDatabase) => {
  const { url: db, drop } = database.fresh();
  const runId = randomBytes(4).toString('hex');
  let server: Server;
  let store: Store | undefined;
  let apiKey: string;
  let messages: { user: string; a: string; b: string };

  async function restart(): Promise<void> {
    server = await startServer(db);
    const health = await api(server.url, 'GET', '/health', {});
    expect(health.status, `GET /health after restart: ${JSON.stringify(health.body)}\n${server.output()}`).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', database: database.name });
  }

  /**
   * Streams and kills `kills` times, restarting in between; and up to EXTRA_KILLS more times while
   * no kill has cut a request off. The server is left dead.
   */
  async function loadAndKill(kills: number, make: (n: number) => { input: Record<string, unknown>; key?: string }): Promise<LoadRun> {
    const sent: Sent[] = [];
    const loadMs: number[] = [];
    let inFlightAtKill = Infinity;
    for (;;) {
      const first = sent.length;
      const round = await streamThenKill(server, apiKey, (n) => make(first + n));
      sent.push(...round.sent);
      loadMs.push(round.loadMs);
      inFlightAtKill = Math.min(inFlightAtKill, round.inFlightAtKill);
      const cutOff = sent.some((s) => s.error !== undefined);
      if ((loadMs.length >= kills && cutOff) || loadMs.length >= kills + EXTRA_KILLS) break;
      await restart();
    }
    return { sent, acked: sent.filter((s) => s.ack !== undefined), unanswered: sent.filter((s) => s.error !== undefined), inFlightAtKill, loadMs };
  }

  async function newConversation(tag: string): Promise<string> {
    // A test that failed after its kill leaves no server behind for the next one.
    if (server.child.exitCode !== null || server.child.signalCode !== null) await restart();
    const ids = { user: `${tag}-${runId}-u`, a: `${tag}-${runId}-a`, b: `${tag}-${runId}-b` };
    const conv = await api(server.url, 'POST', '/v1/conversations', { key: apiKey }, {
      messages: [
        { id: ids.user, role: 'user', content: 'What is the capital of Portugal?' },
        { id: ids.a, parent_id: ids.user, role: 'assistant', content: 'The capital of Portugal is Lisbon, on the Tagus estuary.' },
        { id: ids.b, parent_id: ids.user, role: 'assistant', content: 'Porto.' },
      ],
    });
    expect(conv.status, JSON.stringify(conv.body)).toBe(201);
    messages = ids;
    return conv.body.id as string;
  }

  beforeAll(async () => {
    const created = JSON.parse(await cli(['admin', 'create', '--handle', `durable-${runId}`, '--password', PASSWORD, '--json', '--db', db])) as { api_key: string };
    apiKey = created.api_key;
    server = await startServer(db);
    const session = await api(server.url, 'POST', '/v1/sessions', {}, { handle: `durable-${runId}`, password: PASSWORD });
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    const cookie = String(session.headers.get('set-cookie')).split(';')[0]!;
    const consent = await api(server.url, 'POST', '/v1/consent', { cookie }, { terms_version: '2026-11', adult_confirmed: true, licence: 'CC-BY-4.0', attribution: 'pseudonym' });
    expect(consent.status, JSON.stringify(consent.body)).toBe(201);
  }, 30_000);

  afterAll(async () => {
    await store?.close();
    if (server !== undefined && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await drop();
  });

  it('keeps every acknowledged event, exactly as acknowledged, and nothing half-written', async () => {
    const started = Date.now();
    const conversationId = await newConversation('dur');
    // Five kinds in turn, each with a client id and a random payload, so every field can be checked.
    const make = (n: number) => {
      const id = `dur-${runId}-${n}`;
      const common = { id, conversation_id: conversationId };
      switch (n % 5) {
        case 0: {
          const start = randomInt(0, 20);
          return { input: { ...common, kind: 'critique', message_id: messages.a, text: `critique ${id} ${payload(randomInt(200, 2000))}`, span: { start, end: start + randomInt(1, 20) }, sentiment: randomInt(-1, 2) } };
        }
        case 1:
          return { input: { ...common, kind: 'rating', message_id: messages.a, score: randomInt(1, 6) } };
        case 2:
          return { input: { ...common, kind: 'pairwise', message_id: messages.a, other_message_id: messages.b, outcome: ['a', 'b', 'tie', 'both_bad'][randomInt(0, 4)] } };
        case 3:
          return { input: { ...common, kind: 'flag', message_id: messages.b, reason: 'other', note: `note ${id} ${payload(randomInt(10, 500))}` } };
        default:
          return { input: { ...common, kind: 'correction', message_id: messages.b, text: `correction ${id} ${payload(randomInt(50, 3000))}` } };
      }
    };
    const run = await loadAndKill(KILLS, make);
    const { sent, acked, unanswered } = run;
    await restart();

    // Through the API: each acknowledged event reads back equal to its acknowledgement.
    const lost: string[] = [];
    await mapLimit(acked, CONCURRENCY, async (s) => {
      const got = await api(server.url, 'GET', `/v1/feedback/${s.input.id as string}`, { key: apiKey });
      if (got.status !== 200) return void lost.push(`${s.input.id as string} (${got.status})`);
      expect(got.body, `event ${s.input.id as string}`).toEqual(s.ack!.body);
      expectAsSent(got.body, s.input, `event ${s.input.id as string}`);
    });

    // Straight from the database: every event there is complete, valid and one of ours, as sent.
    store = await openStore(db);
    if (store.raw.kind === 'sqlite') expect(store.raw.database.pragma('integrity_check', { simple: true })).toBe('ok');
    const bySentId = new Map(sent.map((s) => [s.input.id as string, s] as const));
    const stored = await storedEvents(store, conversationId);
    for (const event of stored) {
      const s = bySentId.get(event.id);
      expect(s, `stored event ${event.id} was never sent`).toBeDefined();
      expectAsSent(event as unknown as Record<string, unknown>, s!.input, `stored event ${event.id}`);
      if (s!.ack !== undefined) expect(event).toEqual(s!.ack.body);
    }
    const storedIds = new Set(stored.map((e) => e.id));
    const unackedStored = unanswered.filter((s) => storedIds.has(s.input.id as string)).length;
    console.log(
      `[${database.name}] ${describeRun(run)} (${unackedStored} of them committed anyway); ` +
        `after restart: stored ${stored.length}, lost ${lost.length} — ${Date.now() - started} ms`,
    );
    expect(lost, `acknowledged (2xx) but missing after restart: ${lost.length} of ${acked.length}, e.g. ${lost.slice(0, 5).join(', ')}`).toEqual([]);
    expect(stored.length).toBeGreaterThanOrEqual(acked.length);
    expect(stored.length).toBeLessThanOrEqual(sent.length);
    expectKilledMidStream(run);
    await store.close();
    store = undefined;
  }, 45_000);

  it('retries with the same Idempotency-Key after the restart make exactly one event per key', async () => {
    const started = Date.now();
    const conversationId = await newConversation('idem');
    // No client id: without a working Idempotency-Key a retry would store a second copy.
    const make = (n: number) => {
      const key = `idem-${runId}-${n}`;
      const start = randomInt(0, 20);
      return { key, input: { kind: 'critique', conversation_id: conversationId, message_id: messages.a, text: `critique ${key} ${payload(randomInt(200, 2000))}`, span: { start, end: start + 5 } } };
    };
    const run = await loadAndKill(1, make);
    const { sent, acked, unanswered } = run;
    await restart();

    // Every request the kill cut off is sent again, and so is a sample of the acknowledged ones.
    const retried = [...unanswered, ...acked.slice(0, 200)];
    const answers = new Map<string, string>();
    const replayedKeys = new Set<string>();
    await mapLimit(retried, CONCURRENCY, async (s) => {
      const again = await api(server.url, 'POST', '/v1/feedback', { key: apiKey }, s.input, { 'idempotency-key': s.key! });
      expect(again.status, `retry of ${s.key!}: ${JSON.stringify(again.body)}`).toBe(201);
      const wasReplayed = again.headers.get('idempotent-replayed') === 'true';
      if (wasReplayed) replayedKeys.add(s.key!);
      if (s.ack !== undefined) {
        expect(wasReplayed, `retry of acknowledged ${s.key!} must replay`).toBe(true);
        expect(again.body, `retry of acknowledged ${s.key!}`).toEqual(s.ack.body);
      }
      expectAsSent(again.body, s.input, `retry of ${s.key!}`);
      answers.set(s.key!, again.body.id as string);
    });

    store = await openStore(db);
    const stored = await storedEvents(store, conversationId);
    const byKey = new Map<string, Feedback[]>();
    for (const event of stored) {
      const key = /^critique (idem-\S+) /.exec((event as { text: string }).text)?.[1];
      expect(key, `stored event ${event.id} is not one of ours`).toBeDefined();
      byKey.set(key!, [...(byKey.get(key!) ?? []), event]);
    }
    const duplicated = [...byKey].filter(([, events]) => events.length > 1).map(([key, events]) => `${key} ×${events.length}`);
    const missing = sent.filter((s) => !byKey.has(s.key!)).map((s) => `${s.key!}${s.ack === undefined ? '' : ' (acknowledged)'}`);
    for (const s of sent) {
      const event = byKey.get(s.key!)?.[0];
      if (event === undefined) continue;
      expectAsSent(event as unknown as Record<string, unknown>, s.input, `event of ${s.key!}`);
      if (s.ack !== undefined) expect(event).toEqual(s.ack.body);
      if (answers.has(s.key!)) expect(event.id, `retry of ${s.key!} answered another event`).toBe(answers.get(s.key!));
    }
    const keyRows = await store.db
      .selectFrom('idempotency_keys')
      .select(['key', 'response_body'])
      .where('key', 'like', `idem-${runId}-%`)
      .execute();
    console.log(
      `[${database.name}] Idempotency-Key: ${describeRun(run)} (${unanswered.filter((s) => replayedKeys.has(s.key!)).length} of them committed before the kill); ` +
        `retried ${retried.length} (${replayedKeys.size} replayed, ${retried.length - replayedKeys.size} written by the retry), ` +
        `stored ${stored.length}, duplicated keys ${duplicated.length}, missing ${missing.length} — ${Date.now() - started} ms`,
    );
    expect(duplicated, 'keys with more than one event').toEqual([]);
    expect(missing, 'keys with no event after the retries').toEqual([]);
    expect(stored.length).toBe(sent.length);
    expect(keyRows.length).toBe(sent.length);
    expectKilledMidStream(run);
    const eventIds = new Set(stored.map((e) => e.id));
    for (const row of keyRows) expect(eventIds.has((JSON.parse(row.response_body) as { id: string }).id), `idempotency key ${row.key} points at no event`).toBe(true);
    await store.close();
    store = undefined;
  }, 30_000);
});
