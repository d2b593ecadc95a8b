import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentId, exportView, importFormat, type ExportFilter } from '@openfeedback/core';
import { readRecordFile } from '../src/interchange/read-records.js';
import { writeParquet } from '../src/interchange/write-parquet.js';
import type { ServiceContext } from '../src/services/context.js';
import { exportRows } from '../src/services/exports.js';
import { importRecords, type ImportReport } from '../src/services/imports.js';
import { OPERATOR } from '../src/services/principal.js';
import { TEST_DATABASES } from './support/databases.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/*
 * Chatbot Arena battles (and ShareLM rows) through the real import service into a real database,
 * then out through the `battles` view: the rows that come out are the rows that went in, as JSON
 * Lines and as Parquet, and a Parquet export reads back in as an Arena file.
 *
 * The rows are hand-made in the exact layout of huggingface.co/datasets/lmsys/chatbot_arena_conversations
 * (its card's features: question_id, model_a, model_b, winner, judge, conversation_a,
 * conversation_b, turn, anony, language, tstamp, openai_moderation, toxic_chat_tag), with values as
 * FastChat's fastchat/serve/monitor/clean_battle_data.py writes them; ShareLM rows in the layout of
 * huggingface.co/datasets/shachardon/ShareLM with the plugin's rate values
 * (github.com/shachardon/share-lm, extension/popup.js). No sample of either is in ../shared/data.
 */

const moderation = { categories: { harassment: false, hate: false, sexual: false, violence: false }, category_scores: { harassment: 1.2e-5, hate: 2.1e-6, sexual: 5.5e-6, violence: 8.1e-6 }, flagged: false };
const toxic = { 'roberta-large': { flagged: false, probability: 0.0071 }, 't5-large': { flagged: false, score: 0.0009 } };
const turns = (...pairs: [string, string][]) => pairs.flatMap(([q, a]) => [{ content: q, role: 'user' }, { content: a, role: 'assistant' }]);

const BATTLES = [
  {
    question_id: '58210e39b3fd4441a2bd4a518bb44c2d',
    model_a: 'chatglm-6b',
    model_b: 'koala-13b',
    winner: 'model_b',
    judge: 'arena_user_973',
    conversation_a: turns(['What is the difference between OpenCL and CUDA?', 'OpenCL and CUDA are two different programming models…']),
    conversation_b: turns(['What is the difference between OpenCL and CUDA?', 'OpenCL and CUDA are both programming languages for parallel computing…']),
    turn: 1,
    anony: true,
    language: 'English',
    tstamp: 1682351591.1322,
    openai_moderation: moderation,
    toxic_chat_tag: toxic,
  },
  {
    question_id: '2564acd09e3942fd97657d05282d4389',
    model_a: 'oasst-pythia-12b',
    model_b: 'alpaca-13b',
    winner: 'tie',
    judge: 'arena_user_973',
    conversation_a: turns(['¿Por qué el cielo es azul? 🌌', 'Por la dispersión de Rayleigh.']),
    conversation_b: turns(['¿Por qué el cielo es azul? 🌌', 'El cielo es azul porque la luz azul se dispersa más.']),
    turn: 1,
    anony: true,
    language: 'Spanish',
    tstamp: 1682351654.6747,
    openai_moderation: moderation,
    toxic_chat_tag: toxic,
  },
  {
    question_id: '90bfd142157948aba01931726c888e7f',
    model_a: 'vicuna-13b',
    model_b: 'gpt-3.5-turbo',
    winner: 'tie (bothbad)',
    judge: 'arena_user_1022',
    conversation_a: turns(['写一首关于秋天的诗', '秋风起，落叶飞……'], ['再短一点', '秋叶落。']),
    conversation_b: turns(['写一首关于秋天的诗', '金风送爽，稻谷飘香……'], ['再短一点', '秋意浓。']),
    turn: 2,
    anony: false,
    language: 'Chinese',
    tstamp: 1682352003.0,
    openai_moderation: moderation,
    toxic_chat_tag: toxic,
  },
  {
    question_id: 'c0fc42c6f5f14f2aa5a89f71f8553730',
    model_a: 'claude-v1',
    model_b: 'vicuna-13b',
    winner: 'model_a',
    judge: 'arena_user_1100',
    conversation_a: turns(['asdf', `It looks like you typed a random string. ${'Long answer. '.repeat(5_000)}`]),
    conversation_b: turns(['asdf', 'Hello! Is there anything I can help you with?']),
    turn: 1,
    anony: true,
    language: 'unknown',
    tstamp: 1682352210.87,
    openai_moderation: moderation,
    toxic_chat_tag: toxic,
  },
];
const COLUMNS = ['question_id', 'model_a', 'model_b', 'winner', 'judge', 'conversation_a', 'conversation_b', 'turn', 'anony', 'language', 'tstamp'];
/** What the battles view must give back: each row in the view's columns. */
const EXPECTED = BATTLES.map((b) => Object.fromEntries(COLUMNS.map((k) => [k, b[k as keyof typeof b]])));
const judges = new Set(BATTLES.map((b) => b.judge));
const messageCount = BATTLES.reduce((n, b) => n + 1 + (b.conversation_a.length - 1) + (b.conversation_b.length - 1), 0);

const arena = importFormat('arena')!;
const battlesView = exportView('battles')!;
const dir = mkdtempSync(join(tmpdir(), 'of-import-arena-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function tempFile(lines: readonly unknown[], raw: string[] = []): string {
  const path = join(dir, `f${++files}.jsonl`);
  writeFileSync(path, [...lines.map((l) => JSON.stringify(l)), ...raw].join('\n'));
  return path;
}

async function importFile(ctx: ServiceContext, format: string, path: string, licence = 'CC-BY-NC-4.0'): Promise<ImportReport> {
  return importRecords(ctx, OPERATOR, { format: importFormat(format)!, licence }, [{ file: path, records: readRecordFile(path) }]);
}
async function exported(ctx: ServiceContext, filter: ExportFilter = {}): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const row of exportRows(ctx, OPERATOR, battlesView, filter, { form: 'conversational' })) rows.push(row);
  return rows.sort((a, b) => ((a.question_id as string) < (b.question_id as string) ? -1 : 1));
}
const sorted = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => ((a.question_id as string) < (b.question_id as string) ? -1 : 1));
async function writeBattlesParquet(ctx: ServiceContext, path: string): Promise<void> {
  const out = createWriteStream(path);
  await writeParquet(exportRows(ctx, OPERATOR, battlesView, {}, { form: 'conversational' }), battlesView.columns({ form: 'conversational' }), out);
  out.end();
  await finished(out);
}

describe.each(TEST_DATABASES)('Chatbot Arena battles imported on $name', (database) => {
  let t: TestApp;
  let report: ImportReport;
  let file: string;
  beforeAll(async () => {
    t = await createTestApp(database);
    file = tempFile(BATTLES, ['{"question_id": "cut off', JSON.stringify({ ...BATTLES[0], question_id: 'x1', winner: 'model_c' })]);
    report = await importFile(t.ctx, 'arena', file);
  });
  afterAll(async () => t?.close());

  it('needs the dataset licence (the card names only "cc"), and reports what it imported and rejected, by line', async () => {
    await expect(importRecords(t.ctx, OPERATOR, { format: arena }, [])).rejects.toThrow(/licence/);
    expect(report).toMatchObject({
      format: 'arena',
      source: 'arena',
      licence: 'CC-BY-NC-4.0',
      records: BATTLES.length + 2,
      conversations: { imported: BATTLES.length, duplicate: 0 },
      messages: { imported: messageCount, skipped: {} },
      feedback: { imported: BATTLES.length },
      rejected: { invalid_json: 1, invalid_record: 1 },
      notes: {},
      stopped: false,
    });
    expect(report.errors.map((e) => [e.position, e.code])).toEqual([
      [BATTLES.length + 1, 'invalid_json'],
      [BATTLES.length + 2, 'invalid_record'],
    ]);
    expect(report.errors[1]!.message).toMatch(/winner must be/);
  });

  it('stores each battle as a prompt with two sibling branches, models named, and one pairwise vote by its judge', async () => {
    const db = t.ctx.store.db;
    const conversations = await db.selectFrom('conversations').selectAll().execute();
    expect(conversations).toHaveLength(BATTLES.length);
    for (const c of conversations) expect(c).toMatchObject({ source: 'arena', licence: 'CC-BY-NC-4.0', status: 'active' });
    const people = await db.selectFrom('contributors').select(['id', 'handle', 'password_hash', 'source']).where('source', '=', 'arena').execute();
    expect(new Set(people.map((p) => p.id))).toEqual(new Set(['ext:arena', ...[...judges].map((j) => `ext:arena:${contentId(j)}`)]));
    expect(people.every((p) => p.password_hash === null)).toBe(true);

    const messages = await db.selectFrom('messages').selectAll().execute();
    expect(messages).toHaveLength(messageCount);
    const feedback = await db.selectFrom('feedback').selectAll().execute();
    expect(feedback).toHaveLength(BATTLES.length);
    for (const battle of BATTLES) {
      const conversation = conversations.find((c) => c.id.startsWith(`arena:${battle.question_id}:`))!;
      expect(conversation).toMatchObject({ contributor_id: `ext:arena:${contentId(battle.judge)}`, created_at: new Date(Math.round(battle.tstamp * 1000)).toISOString() });
      const own = messages.filter((m) => m.conversation_id === conversation.id);
      const roots = own.filter((m) => m.parent_id === null);
      expect(roots).toHaveLength(1);
      expect(roots[0]).toMatchObject({ role: 'user', content: battle.conversation_a[0]!.content, contributor_id: `ext:arena:${contentId(battle.judge)}` });
      expect(JSON.parse(roots[0]!.source_meta!).arena).toMatchObject({ question_id: battle.question_id, judge: battle.judge, tstamp: battle.tstamp, extra: { openai_moderation: moderation, toxic_chat_tag: toxic } });
      const answers = own.filter((m) => m.parent_id === roots[0]!.id);
      expect(answers.map((m) => [m.role, m.model_name, m.content])).toEqual([
        ['assistant', battle.model_a, battle.conversation_a[1]!.content],
        ['assistant', battle.model_b, battle.conversation_b[1]!.content],
      ]);
      const vote = feedback.find((f) => f.conversation_id === conversation.id)!;
      const payload = JSON.parse(vote.payload) as { other_message_id: string; outcome: string };
      expect(vote).toMatchObject({ kind: 'pairwise', contributor_id: `ext:arena:${contentId(battle.judge)}`, annotator_role: 'interlocutor', licence: 'CC-BY-NC-4.0', methodology_version: 'import:arena', status: 'active' });
      expect(JSON.parse(vote.provenance)).toEqual({ type: 'human' });
      expect(payload.outcome).toBe({ model_a: 'a', model_b: 'b', tie: 'tie', 'tie (bothbad)': 'both_bad' }[battle.winner]);
      // a and b are the last answers of each branch.
      const leaf = (id: string) => own.filter((m) => m.parent_id === id).length === 0;
      expect([vote.message_id!, payload.other_message_id].map((id) => [own.find((m) => m.id === id)!.model_name, leaf(id)])).toEqual([
        [battle.model_a, true],
        [battle.model_b, true],
      ]);
      expect(vote.valence).toBe(battle.winner === 'tie (bothbad)' ? -1 : null);
    }
  });

  it('adds nothing when the same file is imported again', async () => {
    const count = async () => Promise.all((['conversations', 'messages', 'feedback', 'contributors'] as const).map(async (table) => Number((await t.ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)));
    const before = await count();
    const again = await importFile(t.ctx, 'arena', file);
    expect(again).toMatchObject({ conversations: { imported: 0, duplicate: BATTLES.length }, messages: { imported: 0 }, feedback: { imported: 0 } });
    expect(await count()).toEqual(before);
  });

  it('exports as battles exactly the rows it imported, and filters them', async () => {
    expect(await exported(t.ctx)).toStrictEqual(sorted(EXPECTED));
    expect((await exported(t.ctx, { language: 'zh' })).map((r) => r.question_id)).toEqual([BATTLES[2]!.question_id]);
    expect((await exported(t.ctx, { model: 'koala-13b' })).map((r) => r.question_id)).toEqual([BATTLES[0]!.question_id]);
    expect((await exported(t.ctx, { since: '2023-04-24T15:56:00.000Z' })).map((r) => r.question_id)).toEqual([BATTLES[2]!.question_id, BATTLES[3]!.question_id].sort());
  });

  it('writes the same rows to Parquet, typed, and that file imports back as an Arena file giving the same rows', async () => {
    const path = join(dir, `battles-${database.name}.parquet`);
    await writeBattlesParquet(t.ctx, path);
    const read = (await parquetReadObjects({ file: await asyncBufferFromFile(path) })) as Record<string, unknown>[];
    expect(sorted(read)).toStrictEqual(sorted(EXPECTED));

    const other = await createTestApp(database);
    try {
      const back = await importFile(other.ctx, 'arena', path);
      expect(back).toMatchObject({ records: BATTLES.length, conversations: { imported: BATTLES.length }, feedback: { imported: BATTLES.length }, rejected: {} });
      expect(await exported(other.ctx)).toStrictEqual(sorted(EXPECTED));
    } finally {
      await other.close();
    }
  }, 60_000);
});

describe.each(TEST_DATABASES)('ShareLM rows imported on $name', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(database);
  });
  afterAll(async () => t?.close());

  it('stores the conversation with its user, and the user’s rate as interlocutor feedback with its valence', async () => {
    const base = {
      conversation: turns(['What is the capital of Australia?', 'Canberra.'], ['And its population? 🦘', 'About 460,000 people.']),
      model_name: 'meta-llama/Meta-Llama-3-8B-Instruct',
      user_id: 'a81c-4f2e-4b1d-9a0e-77c2',
      timestamp: '2024-05-10T14:03:27.512Z',
      source: 'https://chromewebstore.google.com/detail/sharelm-share-your-chat-c/nldoebkdaiidhceaphmipeclmlcbljmh',
      user_metadata: { location: 'Israel', age: '30', gender: '' },
    };
    const rows = [
      { ...base, conversation_id: 'c-up', conversation_metadata: { rate: 'thumbup' } },
      { ...base, conversation_id: 'c-four', conversation_metadata: { rate: '4' } },
      { ...base, conversation_id: 'c-none', user_id: '', timestamp: '', conversation_metadata: { language: 'English', redacted: 'False' } },
    ];
    const report = await importFile(t.ctx, 'sharelm', tempFile(rows), 'MIT');
    expect(report).toMatchObject({ licence: 'MIT', conversations: { imported: 3 }, messages: { imported: 12 }, feedback: { imported: 2 }, rejected: {} });
    const db = t.ctx.store.db;
    const user = `ext:sharelm:${contentId(base.user_id)}`;
    const conversations = await db.selectFrom('conversations').select(['id', 'contributor_id', 'created_at', 'language']).orderBy('id').execute();
    expect(conversations.map((c) => [c.id, c.contributor_id, c.language])).toEqual([
      ['sharelm:c-four', user, null],
      ['sharelm:c-none', 'ext:sharelm', 'en'],
      ['sharelm:c-up', user, null],
    ]);
    expect(conversations[0]!.created_at).toBe(base.timestamp);
    const feedback = await db.selectFrom('feedback').selectAll().orderBy('id').execute();
    expect(feedback.map((f) => [f.id, f.kind, f.contributor_id, f.annotator_role, f.valence, f.created_at])).toEqual([
      ['sharelm:c-four:rate', 'rating', user, 'interlocutor', 0.5, base.timestamp],
      ['sharelm:c-up:rate', 'thumbs', user, 'interlocutor', 1, base.timestamp],
    ]);
    expect(feedback[1]!.message_id).toBe('sharelm:c-up:3');
    const root = await db.selectFrom('messages').select('source_meta').where('id', '=', 'sharelm:c-up:0').executeTakeFirstOrThrow();
    expect(JSON.parse(root.source_meta!)).toEqual({ sharelm: { source: base.source, user_metadata: base.user_metadata, conversation_metadata: { rate: 'thumbup' } } });
    expect(await exported(t.ctx)).toEqual([]);
  });
});

describe('openfeedback import arena / export battles, as a user runs them', () => {
  const BIN = fileURLToPath(new URL('../../cli/bin/openfeedback.js', import.meta.url));
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENFEEDBACK_')));
      execFile(process.execPath, [BIN, ...args], { cwd: dir, env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
      });
    });

  it('imports the file into a SQLite pool and writes the same battles back as JSON Lines', async () => {
    const db = join(dir, 'cli.db');
    const file = tempFile(BATTLES);
    const imported = await run(['import', 'arena', file, '--db', db, '--licence', 'CC-BY-NC-4.0', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ conversations: { imported: BATTLES.length }, feedback: { imported: BATTLES.length } });
    const out = await run(['export', 'battles', '--db', db]);
    expect(out.code, out.stderr).toBe(0);
    const rows = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(sorted(rows)).toStrictEqual(sorted(EXPECTED));
  }, 60_000);
});
