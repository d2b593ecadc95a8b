/**
 * Single feedback POST through the full stack (API-key auth, validation, consent check, durable
 * SQLite write) against a bare Fastify route answering 204, both loaded by autocannon on loopback.
 * Run: npx tsx bench/http-feedback.ts [seconds]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, REPO_ROOT, startChild } from './support/child-server.js';
import { postLoad, type LoadResult } from './support/load.js';
import { execFileSync } from 'node:child_process';

const seconds = Number(process.argv[2] ?? 10);

async function json(res: Response) {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, any>>;
}

export async function benchHttpFeedback(durationSeconds = seconds, connections = 100): Promise<{ bare: LoadResult; full: LoadResult; ratio: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'of-bench-'));
  const db = join(dir, 'pool.db');
  try {
    const admin = JSON.parse(execFileSync('node', [CLI, 'admin', 'create', '--handle', 'bench-admin', '--password', 'bench password 123', '--db', db, '--json'], { cwd: REPO_ROOT }).toString());
    const full = await startChild('node', [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', db, '--log-level', 'warn'], { OPENFEEDBACK_RATE_LIMIT_MAX: '100000000', OPENFEEDBACK_DAILY_FEEDBACK_CAP: '0' });
    try {
      const auth = { authorization: `Bearer ${admin.api_key}`, 'content-type': 'application/json' };
      const session = await fetch(`${full.url}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ handle: 'bench-admin', password: 'bench password 123' }) });
      const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
      await json(await fetch(`${full.url}/v1/consent`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ terms_version: '2026-11', adult_confirmed: true, licence: 'CC0-1.0', attribution: 'none' }) }));
      const conv = await json(await fetch(`${full.url}/v1/conversations`, { method: 'POST', headers: auth, body: JSON.stringify({ messages: [{ role: 'user', content: 'Which river flows through Lisbon?' }, { role: 'assistant', content: 'The Tagus.' }] }) }));
      const body = JSON.stringify({ kind: 'thumbs', conversation_id: conv.id, message_id: conv.messages[1].id, value: 'up' });
      await postLoad(`${full.url}/v1/feedback`, body, { authorization: auth.authorization }, 2); // warm-up
      const fullResult = await postLoad(`${full.url}/v1/feedback`, body, { authorization: auth.authorization }, durationSeconds, connections);
      await full.stop();
      const bare = await startChild('node', [`${REPO_ROOT}bench/support/bare-server.mjs`]);
      await postLoad(`${bare.url}/v1/feedback`, body, {}, 2);
      const bareResult = await postLoad(`${bare.url}/v1/feedback`, body, {}, durationSeconds, connections);
      await bare.stop();
      return { bare: bareResult, full: fullResult, ratio: fullResult.requestsPerSecond / bareResult.requestsPerSecond };
    } finally {
      await full.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchHttpFeedback();
  const row = (name: string, x: LoadResult) => `${name.padEnd(34)} ${x.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${x.p50} ms  p99 ${x.p99} ms  non-2xx ${x.non2xx}`;
  console.log(row('bare Fastify 204 (ceiling)', r.bare));
  console.log(row('POST /v1/feedback (full stack)', r.full));
  console.log(`ratio full/bare: ${r.ratio.toFixed(2)}`);
}
