/**
 * The leaderboard and the agreement figures as the API computes them, on a pool of 100,000
 * pairwise votes (20 models, 2,000 voters; answers of imported model names, so no vote carries
 * its model and both are read from the messages: the slowest path): seconds for the overall leaderboard with 100
 * bootstrap rounds, for the coding category (which reads every prompt), and for agreement; wall
 * time and this process's CPU time (the database's own work on PostgreSQL is not in the latter).
 * Run: npx tsx bench/leaderboard-service.ts [votes] [database URL; default a temp SQLite file]
 * (KEEP_DB=<dir> keeps the SQLite file there for a second look.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeaderboardQuery, xoshiro128, type Feedback } from '../packages/core/src/index.js';
import { ConfigSchema, createServiceContext, migrateToLatest, openStore } from '../packages/server/src/index.js';
import { communityAgreement } from '../packages/server/src/services/agreement.js';
import { communityLeaderboard } from '../packages/server/src/services/leaderboard.js';
import { OPERATOR } from '../packages/server/src/services/principal.js';
import { insertContributor } from '../packages/server/src/store/contributor-repository.js';
import { insertConversationRows, insertMessages } from '../packages/server/src/store/conversation-repository.js';
import { insertFeedback, toFeedbackRow } from '../packages/server/src/store/feedback-repository.js';

const VOTES = 100_000;
const MODELS = 20;
const VOTERS = 2_000;

async function fill(url: string, votes: number): Promise<void> {
  const store = await openStore(url, { sqliteSynchronous: 'normal' });
  await migrateToLatest(store);
  const at = '2026-11-28T00:00:00.000Z';
  for (let v = 0; v < VOTERS; v++) {
    await insertContributor(store.db, { id: `voter-${v}`, handle: `voter-${v}`, display_name: null, roles: ['contributor'], demographics: {}, expertise: [], trust: 0.5, created_at: at, password_hash: null });
  }
  const random = xoshiro128(7);
  const strength = Array.from({ length: MODELS }, () => (random() - 0.5) * 3);
  for (let start = 0; start < votes; start += 500) {
    await store.write(async (trx) => {
      const convs = [];
      const messages = [];
      const events = [];
      for (let c = start; c < Math.min(start + 500, votes); c++) {
        // Ids in the order they were written, as the API's UUIDv7 ids are (imports' content-hash ids are not: see the README).
        const id = `c${String(c).padStart(7, '0')}`;
        const i = Math.floor(random() * MODELS);
        let j = Math.floor(random() * (MODELS - 1));
        if (j >= i) j++;
        const voter = `voter-${c % VOTERS}`;
        const prompt = c % 4 === 0 ? `Write a Python function that parses dates, case ${c}.` : `Tell me about the rivers of Portugal and their history, case ${c}.`;
        convs.push({ id, community_id: null, contributor_id: voter, title: null, language: 'en', source: 'bench', licence: 'CC0-1.0', release_licence: 'CC0-1.0', status: 'active', created_at: at, updated_at: at });
        const answer = (side: string, model: number) => ({ id: `${id}-${side}`, conversation_id: id, parent_id: `${id}-q`, role: 'assistant' as const, content: `An answer of some length from model ${model}.`, model_id: null, model_version_id: null, model_name: `model-${model}`, contributor_id: null, language: 'en', status: 'active' as const, created_at: at });
        messages.push({ id: `${id}-q`, conversation_id: id, parent_id: null, role: 'user' as const, content: prompt, model_id: null, model_version_id: null, model_name: null, contributor_id: voter, language: 'en', status: 'active' as const, created_at: at }, answer('a', i), answer('b', j));
        const p = 1 / (1 + Math.exp(strength[j]! - strength[i]!));
        const u = random();
        const outcome = u < 0.1 ? 'tie' : random() < p ? 'a' : 'b';
        const f: Feedback = { id: `${id}-v`, kind: 'pairwise', contributor_id: voter, conversation_id: id, message_id: `${id}-a`, other_message_id: `${id}-b`, outcome, annotator_role: 'interlocutor', provenance: { type: 'human' }, methodology_version: 'of-1', licence: 'CC0-1.0', status: 'active', model_id: null, community_id: null, language: 'en', created_at: at, updated_at: at, valence: null };
        events.push(toFeedbackRow(f, null, { pii_removed: null, release_licence: 'CC0-1.0' }));
      }
      await insertConversationRows(trx, convs);
      await insertMessages(trx, messages.map((m) => ({ ...m, pii_removed: null })));
      await insertFeedback(trx, events);
    });
  }
  await store.close();
}

async function timed<T>(label: string, run: () => Promise<T>, baseline?: number): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - started) / 1000;
  const ratio = baseline === undefined ? '' : `; ratio to the baseline ${(seconds / baseline).toFixed(1)}`;
  console.log(`${label.padEnd(44)} ${seconds.toFixed(2)} s (CPU ${((used.user + used.system) / 1e6).toFixed(2)} s)${ratio}`);
  return { result, seconds };
}

/** The baseline: one plain query reading every pairwise vote with its two answers' models, and parsing it. */
async function readVotesOnce(db: Awaited<ReturnType<typeof openStore>>['db']): Promise<number> {
  const rows = await db
    .selectFrom('feedback')
    .innerJoin('messages', 'messages.id', 'feedback.message_id')
    .select(['feedback.contributor_id', 'feedback.payload', 'messages.model_name'])
    .where('feedback.kind', '=', 'pairwise')
    .where('feedback.status', '=', 'active')
    .execute();
  let n = 0;
  for (const r of rows) if ((JSON.parse(r.payload) as { outcome?: string }).outcome !== undefined) n++;
  return n;
}

export interface LeaderboardServiceBench {
  votes: number;
  baselineSeconds: number;
  overallSeconds: number;
  codingSeconds: number;
  agreementSeconds: number;
}

/** Fills a pool of `votes` votes (a temp SQLite file unless `url`), then times the baseline and the three reports. */
export async function benchLeaderboardService(votes = VOTES, url?: string): Promise<LeaderboardServiceBench> {
  const keep = process.env.KEEP_DB;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'openfeedback-bench-leaderboard-'));
  const target = url ?? join(dir, 'pool.db');
  try {
    await timed(`filling the pool with ${votes.toLocaleString('en')} votes`, () => fill(target, votes));
    const store = await openStore(target, { sqliteSynchronous: 'normal' });
    const ctx = createServiceContext(store, ConfigSchema.parse({ db: target, logLevel: 'silent' }));
    const { seconds: baselineSeconds } = await timed('baseline: one query reading every vote', () => readVotesOnce(store.db));
    const overall = await timed('leaderboard, overall, 100 bootstrap rounds', () => communityLeaderboard(ctx, LeaderboardQuery.parse({})), baselineSeconds);
    const coding = await timed('leaderboard, coding, 100 bootstrap rounds', () => communityLeaderboard(ctx, LeaderboardQuery.parse({ category: 'coding' })), baselineSeconds);
    const agreement = await timed('agreement', () => communityAgreement(ctx, OPERATOR, {}), baselineSeconds);
    console.log(`battles counted: ${overall.result.battles} overall, ${coding.result.battles} coding; ${overall.result.rows.length} models`);
    await store.close();
    return { votes, baselineSeconds, overallSeconds: overall.seconds, codingSeconds: coding.seconds, agreementSeconds: agreement.seconds };
  } finally {
    if (keep === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchLeaderboardService(process.argv[2] === undefined ? VOTES : Number(process.argv[2]), process.argv[3]);
}
