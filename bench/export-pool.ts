/**
 * Export of 1,000,000 feedback events (the `feedback` view) to JSON Lines and to Parquet by the
 * real command in its own process: seconds and peak RSS. The pool is filled first with the
 * store's own inserts (100,000 conversations, 10 events each).
 * Run: npx tsx bench/export-pool.ts [events]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { valenceOf, type Feedback } from '../packages/core/src/index.js';
import { migrateToLatest, openStore } from '../packages/server/src/index.js';
import { insertContributor } from '../packages/server/src/store/contributor-repository.js';
import { insertConversationRows, insertMessages } from '../packages/server/src/store/conversation-repository.js';
import { insertFeedback, toFeedbackRow } from '../packages/server/src/store/feedback-repository.js';
import { runCli, type CliRun } from './support/run-cli.js';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const PER_CONVERSATION = 10;

/** A pool of `events` feedback events, 10 to a conversation, written with the store's own inserts. */
export async function fillPool(db: string, events = EVENTS): Promise<void> {
  const store = await openStore(db, { sqliteSynchronous: 'normal' });
  await migrateToLatest(store);
  const at = '2026-11-28T00:00:00.000Z';
  await insertContributor(store.db, { id: 'bench', handle: 'bench', display_name: null, roles: ['contributor'], demographics: {}, expertise: [], trust: 0.5, created_at: at, password_hash: null });
  const conversations = events / PER_CONVERSATION;
  for (let start = 0; start < conversations; start += 1000) {
    await store.write(async (trx) => {
      const convs = [];
      const messages = [];
      const events = [];
      for (let c = start; c < Math.min(start + 1000, conversations); c++) {
        const id = `c${c}`;
        convs.push({ id, community_id: null, contributor_id: 'bench', title: null, language: 'en', source: 'bench', licence: 'CC0-1.0', release_licence: 'CC0-1.0', status: 'active', created_at: at, updated_at: at });
        messages.push(
          { id: `${id}-q`, conversation_id: id, parent_id: null, role: 'user' as const, content: `Question ${c}: how do rivers form, and why do they meander?`, model_id: null, model_version_id: null, model_name: null, contributor_id: 'bench', language: 'en', status: 'active' as const, created_at: at },
          { id: `${id}-a`, conversation_id: id, parent_id: `${id}-q`, role: 'assistant' as const, content: `Answer ${c}: rain gathers into streams; erosion on the outer bank and deposits on the inner bank make the bends grow.`, model_id: null, model_version_id: null, model_name: 'bench-model', contributor_id: null, language: 'en', status: 'active' as const, created_at: at },
        );
        for (let k = 0; k < PER_CONVERSATION; k++) {
          const base = { id: `${id}-f${k}`, contributor_id: 'bench', conversation_id: id, annotator_role: 'third_party' as const, provenance: { type: 'human' as const }, methodology_version: 'of-1', licence: 'CC0-1.0', status: 'active' as const, model_id: null, community_id: null, language: 'en', created_at: at, updated_at: at };
          const f: Feedback =
            k % 3 === 0
              ? { ...base, kind: 'thumbs', message_id: `${id}-a`, value: k % 2 === 0 ? 'up' : 'down', valence: valenceOf({ kind: 'thumbs', value: k % 2 === 0 ? 'up' : 'down' }) }
              : k % 3 === 1
                ? { ...base, kind: 'rating', message_id: `${id}-a`, question_id: null, score: 1 + (k % 5), scale_min: 1, scale_max: 5, valence: valenceOf({ kind: 'rating', score: 1 + (k % 5), scale_min: 1, scale_max: 5 }) }
                : { ...base, kind: 'critique', message_id: `${id}-a`, text: 'Could say why the outer bank erodes faster.', span: { start: 0, end: 6 }, sentiment: 0, valence: 0 };
          events.push(toFeedbackRow(f, null, { pii_removed: null, release_licence: 'CC0-1.0' }));
        }
      }
      await insertConversationRows(trx, convs);
      for (let i = 0; i < messages.length; i += 500) await insertMessages(trx, messages.slice(i, i + 500).map((m) => ({ ...m, pii_removed: null })));
      for (let i = 0; i < events.length; i += 1000) await insertFeedback(trx, events.slice(i, i + 1000));
    });
  }
  await store.close();
}

export async function benchExport(): Promise<{ events: number; jsonl: CliRun & { mib: number }; parquet: CliRun & { mib: number } }> {
  const dir = mkdtempSync(join(tmpdir(), 'of-bench-export-'));
  try {
    const db = join(dir, 'pool.db');
    await fillPool(db);
    const jsonl = await runCli(['export', 'feedback', '--db', db, '--format', 'jsonl', '--out', join(dir, 'feedback.jsonl')]);
    const parquet = await runCli(['export', 'feedback', '--db', db, '--format', 'parquet', '--out', join(dir, 'feedback.parquet')]);
    const mib = (f: string) => statSync(join(dir, f)).size / 2 ** 20;
    return { events: EVENTS, jsonl: { ...jsonl, mib: mib('feedback.jsonl') }, parquet: { ...parquet, mib: mib('feedback.parquet') } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchExport();
  for (const [name, x] of [['JSON Lines', r.jsonl], ['Parquet', r.parquet]] as const) {
    console.log(`export of ${r.events.toLocaleString('en')} events to ${name}: ${x.seconds.toFixed(1)} s, peak RSS ${Math.round(x.peakRssMiB)} MiB, file ${Math.round(x.mib)} MiB`);
  }
}
