import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { scrubText } from '@openfeedback/core/privacy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentId, exportView, importFormat, type ExportView } from '@openfeedback/core';
import { readRecordFile } from '../src/interchange/read-records.js';
import { writeParquet } from '../src/interchange/write-parquet.js';
import { exportRows } from '../src/services/exports.js';
import { importRecords, type ImportReport } from '../src/services/imports.js';
import { OPERATOR } from '../src/services/principal.js';
import type { ServiceContext } from '../src/services/context.js';
import { TEST_DATABASES } from './support/databases.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/*
 * OpenAssistant's own exports through the real import service into a real database, and back out
 * through the `oasst` view: what the database holds, counted from the files themselves.
 */

const DATA = new URL('../../../../shared/data/oasst-native/', import.meta.url).pathname;
const TREE_FILE = `${DATA}en_100_tree.jsonl`;
const MESSAGE_FILE = `${DATA}en_100_message.jsonl`;
type Json = Record<string, any>;
const treeRows: Json[] = readFileSync(TREE_FILE, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Json);

function walk(root: Json): { node: Json; parent: Json | null }[] {
  const out: { node: Json; parent: Json | null }[] = [];
  const visit = (node: Json, parent: Json | null) => {
    out.push({ node, parent });
    for (const r of node.replies ?? []) visit(r, node);
  };
  visit(root, null);
  return out;
}

/** What the tree file says the pool must hold, from the JSON alone. */
const expected = (() => {
  const e = { trees: treeRows.length, kept: 0, keptTrees: [] as Json[], whollyLeftOut: 0, leftOutMessages: 0, thumbsUp: 0, thumbsDown: 0, upPeople: 0, downPeople: 0, flags: 0, rankings: 0 };
  for (const tree of treeRows) {
    const nodes = walk(tree.prompt);
    const left = new Set<Json>();
    for (const { node, parent } of nodes) if (node.deleted || node.synthetic || (parent !== null && left.has(parent))) left.add(node);
    e.leftOutMessages += left.size;
    if (left.size === nodes.length) e.whollyLeftOut++;
    if (left.size === 0) e.keptTrees.push(tree);
    for (const { node } of nodes) {
      if (left.has(node)) continue;
      e.kept++;
      const emojis = (node.emojis ?? {}) as Record<string, number>;
      if (emojis['+1'] !== undefined && emojis['+1'] >= 1) (e.thumbsUp++, (e.upPeople += emojis['+1']));
      if (emojis['-1'] !== undefined && emojis['-1'] >= 1) (e.thumbsDown++, (e.downPeople += emojis['-1']));
      if (emojis.red_flag !== undefined && emojis.red_flag >= 1) e.flags++;
      if ((node.replies as Json[]).filter((r) => !left.has(r) && r.rank !== undefined).length >= 2) e.rankings++;
    }
  }
  return e;
})();

const oasst = importFormat('oasst')!;
const oasstView = exportView('oasst')!;

async function importFile(ctx: ServiceContext, path: string, source?: string): Promise<ImportReport> {
  return importRecords(ctx, OPERATOR, { format: oasst, source }, [{ file: path, records: readRecordFile(path) }]);
}

async function exported(ctx: ServiceContext, view: ExportView = oasstView): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const row of exportRows(ctx, OPERATOR, view, {}, { form: 'conversational' })) rows.push(row);
  return rows;
}

const dir = mkdtempSync(join(tmpdir(), 'of-import-oasst-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(TEST_DATABASES)('OpenAssistant import on $name', (database) => {
  let t: TestApp;
  let report: ImportReport;
  beforeAll(async () => {
    t = await createTestApp(database);
    report = await importFile(t.ctx, TREE_FILE);
  });
  afterAll(async () => t?.close());

  it('reports what it imported and what it left out, counted from the file', () => {
    expect(report).toMatchObject({
      format: 'oasst',
      source: 'oasst',
      licence: 'Apache-2.0',
      records: expected.trees,
      conversations: { imported: expected.trees - expected.whollyLeftOut, duplicate: 0 },
      messages: { imported: expected.kept },
      feedback: { imported: expected.thumbsUp + expected.thumbsDown + expected.flags + expected.rankings },
      stopped: false,
    });
    // Trees synthetic from their root leave nothing to import: they are counted as left out, not as problems.
    expect(report.rejected).toEqual({});
    expect(report.errors).toEqual([]);
    expect(Object.keys(report.messages.skipped).every((r) => ['synthetic', 'deleted', 'below_skipped'].includes(r))).toBe(true);
    expect(Object.values(report.messages.skipped).reduce((a, b) => a + b, 0)).toBe(expected.leftOutMessages);
  });

  it('stores conversations, messages and typed feedback with the source, licence and ids of the file', async () => {
    const db = t.ctx.store.db;
    const conversations = await db.selectFrom('conversations').selectAll().execute();
    expect(conversations).toHaveLength(expected.trees - expected.whollyLeftOut);
    expect(new Set(conversations.map((c) => `${c.source}|${c.licence}|${c.contributor_id}|${c.status}`))).toEqual(new Set(['oasst|Apache-2.0|ext:oasst|active']));
    expect(conversations.map((c) => c.id).sort()).toEqual(expected.keptTrees.map((tree) => `oasst:${tree.message_tree_id}`).sort());

    const messages = await db.selectFrom('messages').selectAll().execute();
    expect(messages).toHaveLength(expected.kept);
    const someTree = expected.keptTrees[0]!;
    const answer = (someTree.prompt.replies as Json[])[0]!;
    const stored = messages.find((m) => m.id === `oasst:${answer.message_id}`)!;
    expect(stored).toMatchObject({ conversation_id: `oasst:${someTree.message_tree_id}`, parent_id: `oasst:${someTree.prompt.message_id}`, role: 'assistant', content: answer.text, language: answer.lang, contributor_id: null });
    expect(JSON.parse(stored.source_meta!)).toMatchObject({ oasst: { review_count: answer.review_count, review_result: answer.review_result, deleted: false, synthetic: false }, reply_index: 0 });
    expect(messages.filter((m) => m.role === 'user').every((m) => m.contributor_id === 'ext:oasst')).toBe(true);

    const byKind = await db.selectFrom('feedback').select(['kind']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('kind').orderBy('kind').execute();
    expect(byKind.map((r) => [r.kind, Number(r.n)])).toEqual([
      ['flag', expected.flags],
      ['ranking', expected.rankings],
      ['thumbs', expected.thumbsUp + expected.thumbsDown],
    ]);
    const feedback = await db.selectFrom('feedback').selectAll().execute();
    expect(new Set(feedback.map((f) => `${f.contributor_id}|${f.licence}|${f.annotator_role}|${f.provenance}|${f.methodology_version}|${f.status}`))).toEqual(
      new Set(['ext:oasst|Apache-2.0|third_party|{"type":"human"}|import:oasst|active']),
    );
    const people = (value: string) => feedback.filter((f) => f.kind === 'thumbs' && JSON.parse(f.payload).value === value).reduce((n, f) => n + (JSON.parse(f.payload).count as number), 0);
    expect(people('up')).toBe(expected.upPeople);
    expect(people('down')).toBe(expected.downPeople);
    const valences = new Set(feedback.map((f) => `${f.kind}:${f.kind === 'thumbs' ? JSON.parse(f.payload).value : ''}:${f.valence}`));
    expect(valences).toEqual(new Set(['thumbs:up:1', 'thumbs:down:-1', 'flag::-1', 'ranking::null']));
    expect(feedback.filter((f) => f.kind === 'flag').every((f) => JSON.parse(f.payload).reason === 'other' && JSON.parse(f.payload).note === 'red_flag')).toBe(true);

    const contributors = await db.selectFrom('contributors').selectAll().where('source', '=', 'oasst').execute();
    expect(contributors.map((c) => [c.id, c.handle, c.password_hash])).toEqual([['ext:oasst', 'oasst:people', null]]);
  });

  it('adds nothing when the same file is imported again', async () => {
    const count = async () => Promise.all((['conversations', 'messages', 'feedback', 'contributors'] as const).map(async (table) => Number((await t.ctx.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)));
    const before = await count();
    const again = await importFile(t.ctx, TREE_FILE);
    expect(again).toMatchObject({ conversations: { imported: 0, duplicate: expected.trees - expected.whollyLeftOut }, messages: { imported: 0 }, feedback: { imported: 0 } });
    expect(await count()).toEqual(before);
  });

  it('exports every tree without synthetic or deleted messages as the file has it (texts through the privacy gate)', async () => {
    const rows = await exported(t.ctx);
    expect(rows).toHaveLength(expected.keptTrees.length);
    const byId = new Map(rows.map((r) => [r.message_tree_id, r]));
    for (const tree of expected.keptTrees) expect(byId.get(tree.message_tree_id)).toStrictEqual(scrubbedTexts(tree));
  });

  it('writes the same trees to Parquet, the tree as a JSON document', async () => {
    const path = join(dir, `oasst-${database.name}.parquet`);
    const out = createWriteStream(path);
    async function* rows() {
      yield* exportRows(t.ctx, OPERATOR, oasstView, {}, { form: 'conversational' });
    }
    await writeParquet(rows(), oasstView.columns({ form: 'conversational' }), out);
    out.end();
    await finished(out);
    const read = (await parquetReadObjects({ file: await asyncBufferFromFile(path) })) as { message_tree_id: string; tree_state: string; prompt: string | object }[];
    const jsonl = await exported(t.ctx);
    expect(read.map((r) => ({ ...r, prompt: typeof r.prompt === 'string' ? JSON.parse(r.prompt) : r.prompt }))).toStrictEqual(jsonl);
  });

  it('gives the same pool from the one-tree-per-line message export', async () => {
    const other = await createTestApp(database);
    try {
      const fromMessages = await importFile(other.ctx, MESSAGE_FILE);
      expect({ ...fromMessages, errors: fromMessages.errors.map((e) => ({ ...e, file: '' })) }).toEqual({ ...report, errors: report.errors.map((e) => ({ ...e, file: '' })) });
      const content = async (ctx: ServiceContext) => ({
        messages: (await ctx.store.db.selectFrom('messages').selectAll().execute()).sort((a, b) => (a.id < b.id ? -1 : 1)).map(({ created_at: _, ...m }) => m),
        feedback: (await ctx.store.db.selectFrom('feedback').selectAll().execute()).sort((a, b) => (a.id < b.id ? -1 : 1)).map(({ created_at: _c, updated_at: _u, ...f }) => f),
      });
      expect(await content(other.ctx)).toEqual(await content(t.ctx));
      const sorted = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => ((a.message_tree_id as string) < (b.message_tree_id as string) ? -1 : 1));
      expect(sorted(await exported(other.ctx))).toStrictEqual(sorted(await exported(t.ctx)));
    } finally {
      await other.close();
    }
  }, 90_000);

  it('imports Hugging Face rows with their people as external contributors, under the source it is given', async () => {
    const tree = 'b0000000-0000-4000-8000-000000000001';
    const row = (id: string, parent: string | null, role: string, user: string, extra: Json = {}): Json => ({
      message_id: id,
      parent_id: parent,
      user_id: user,
      created_date: '2023-04-12T10:20:30.123456+00:00',
      text: `${role} ${id} — ünïcödé 🦙`,
      role,
      lang: 'es',
      review_count: 2,
      review_result: true,
      deleted: false,
      rank: null,
      synthetic: false,
      model_name: null,
      detoxify: null,
      message_tree_id: tree,
      tree_state: 'ready_for_export',
      emojis: null,
      labels: null,
      ...extra,
    });
    const rows = [
      row('c0000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000002', 'prompter', 'u-ana'),
      row('c0000000-0000-4000-8000-000000000002', tree, 'assistant', 'u-bo', { rank: 1, labels: { name: ['spam', 'helpfulness'], value: [0, 0.8], count: [3, 2] } }),
      row(tree, null, 'prompter', 'u-ana', { emojis: { name: ['+1', '_skip_reply'], count: [2, 1] } }),
      row('c0000000-0000-4000-8000-000000000004', tree, 'assistant', 'u-cy', { rank: 0 }),
      row('c0000000-0000-4000-8000-000000000005', tree, 'assistant', 'u-di', { deleted: true, rank: null }),
      row('c0000000-0000-4000-8000-000000000006', 'c0000000-0000-4000-8000-000000000005', 'prompter', 'u-ana'),
    ];
    const path = join(dir, `hf-${database.name}.jsonl`);
    writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n'));
    const hf = await importFile(t.ctx, path, 'oasst2');
    expect(hf).toMatchObject({ source: 'oasst2', licence: 'Apache-2.0', records: 6, conversations: { imported: 1 }, messages: { imported: 4, skipped: { deleted: 1, below_skipped: 1 } }, feedback: { imported: 4 }, rejected: {} });

    const db = t.ctx.store.db;
    const people = await db.selectFrom('contributors').selectAll().where('source', '=', 'oasst2').orderBy('id').execute();
    // OpenAssistant's answers were written by people too: their authors are kept (the deleted answer's is not needed).
    expect(people.map((p) => p.id).sort()).toEqual(['ext:oasst2', ...['u-ana', 'u-bo', 'u-cy'].map((u) => `ext:oasst2:${contentId(u)}`)].sort());
    expect(people.every((p) => p.password_hash === null && p.handle.startsWith('oasst2:'))).toBe(true);
    const conversation = await db.selectFrom('conversations').selectAll().where('id', '=', `oasst2:${tree}`).executeTakeFirstOrThrow();
    expect(conversation).toMatchObject({ contributor_id: `ext:oasst2:${contentId('u-ana')}`, language: 'es', source: 'oasst2', licence: 'Apache-2.0', created_at: '2023-04-12T10:20:30.123Z' });
    const messages = (await db.selectFrom('messages').selectAll().where('conversation_id', '=', `oasst2:${tree}`).execute()).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(messages.map((m) => [m.id.slice(0, 16), m.role, m.contributor_id])).toEqual([
      [`oasst2:${tree}`.slice(0, 16), 'user', `ext:oasst2:${contentId('u-ana')}`],
      ['oasst2:c0000000-', 'assistant', `ext:oasst2:${contentId('u-bo')}`],
      ['oasst2:c0000000-', 'user', `ext:oasst2:${contentId('u-ana')}`],
      ['oasst2:c0000000-', 'assistant', `ext:oasst2:${contentId('u-cy')}`],
    ]);
    const feedback = (await db.selectFrom('feedback').selectAll().where('conversation_id', '=', `oasst2:${tree}`).execute()).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(feedback.map((f) => [f.kind, f.message_id, JSON.parse(f.payload)])).toEqual([
      ['ranking', null, { ranking: ['oasst2:c0000000-0000-4000-8000-000000000004', 'oasst2:c0000000-0000-4000-8000-000000000002'] }],
      ['thumbs', `oasst2:${tree}`, { value: 'up', count: 2 }],
      ['rating', 'oasst2:c0000000-0000-4000-8000-000000000002', { question_id: 'helpfulness', score: 0.8, scale_min: 0, scale_max: 1, count: 2 }],
      ['rating', 'oasst2:c0000000-0000-4000-8000-000000000002', { question_id: 'spam', score: 0, scale_min: 0, scale_max: 1, count: 3 }],
    ].map(([kind, message, payload]) => [kind, message, expect.objectContaining(payload as object)]));
    expect(feedback.every((f) => f.contributor_id === 'ext:oasst2' && f.licence === 'Apache-2.0')).toBe(true);

    const [exportedTree] = (await exported(t.ctx)).filter((r) => r.message_tree_id === tree);
    const prompt = exportedTree!.prompt as Json;
    expect(prompt).toMatchObject({ message_id: tree, created_date: '2023-04-12T10:20:30.123456+00:00', role: 'prompter', lang: 'es', emojis: { '+1': 2, _skip_reply: 1 } });
    expect(prompt).not.toHaveProperty('user_id');
    expect((prompt.replies as Json[]).map((r) => [r.message_id, r.rank, r.labels])).toEqual([
      ['c0000000-0000-4000-8000-000000000002', 1, { spam: { value: 0, count: 3 }, helpfulness: { value: 0.8, count: 2 } }],
      ['c0000000-0000-4000-8000-000000000004', 0, undefined],
    ]);
  });
});

/** What the pool holds of a tree: every `text` as the privacy gate leaves it. */
function scrubbedTexts<T>(value: T): T {
  if (Array.isArray(value)) return value.map(scrubbedTexts) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'text' && typeof v === 'string' ? scrubText(v).text : scrubbedTexts(v)])) as T;
}
