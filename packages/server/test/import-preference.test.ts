import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { contentId, importFormat } from '@openfeedback/core';
import { scrubText } from '@openfeedback/core/privacy';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigSchema, createServiceContext, migrateToLatest, openStore, type ServiceContext } from '../src/index.js';
import { readRecordFile } from '../src/interchange/read-records.js';
import { importRecords, type ImportReport } from '../src/services/imports.js';
import { OPERATOR } from '../src/services/principal.js';
import { SQLITE_TEST_DATABASE } from './support/databases.js';

/*
 * The HH-RLHF, preference and KTO importers through the real import service on SQLite: the real
 * files of ../shared/data read in place (expected counts computed here from the files), hand-made
 * broken ones in a temp dir, and what ends up in the database.
 */

const DATA = new URL('../../../../shared/data/', import.meta.url).pathname;
const HH = join(DATA, 'hh-rlhf/harmless-base/test.jsonl.gz');
const DPO = join(DATA, 'llamafactory/dpo_en_demo.json');
const V1 = join(DATA, 'llamafactory/v1_dpo_demo.jsonl');
const KTO = join(DATA, 'llamafactory/kto_en_demo.json');

const tmp = mkdtempSync(join(tmpdir(), 'of-import-preference-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function tempFile(content: string | Buffer, ext = 'jsonl'): string {
  const path = join(tmp, `f${++n}.${ext}`);
  writeFileSync(path, content);
  return path;
}

let ctx: ServiceContext;
let close: () => Promise<void>;
beforeEach(async () => {
  const { url, drop } = SQLITE_TEST_DATABASE.fresh();
  const store = await openStore(url);
  await migrateToLatest(store);
  ctx = createServiceContext(store, ConfigSchema.parse({ db: url, logLevel: 'silent', sqliteSynchronous: 'normal' }));
  close = async () => {
    await store.close();
    await drop();
  };
});
afterEach(async () => close());

async function runImport(format: string, paths: string[], options: { licence?: string; source?: string; strict?: boolean } = {}): Promise<ImportReport> {
  return importRecords(
    ctx,
    OPERATOR,
    { format: importFormat(format)!, ...options },
    paths.map((p) => ({ file: p, records: readRecordFile(p) })),
  );
}

async function counts(source: string) {
  const db = ctx.store.db;
  const conversations = await db.selectFrom('conversations').select((e) => e.fn.countAll<number>().as('n')).where('source', '=', source).executeTakeFirstOrThrow();
  const messages = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('conversations.source', '=', source)
    .executeTakeFirstOrThrow();
  const feedback = await db
    .selectFrom('feedback')
    .innerJoin('conversations', 'conversations.id', 'feedback.conversation_id')
    .select(['feedback.kind', (e) => e.fn.countAll<number>().as('n')])
    .where('conversations.source', '=', source)
    .groupBy('feedback.kind')
    .execute();
  return { conversations: Number(conversations.n), messages: Number(messages.n), feedback: Object.fromEntries(feedback.map((f) => [f.kind, Number(f.n)])) };
}

// What the files hold, computed from them.
const hhLines = gunzipSync(readFileSync(HH)).toString('utf8').split('\n').filter((l) => l.trim() !== '');
const hhRows = hhLines.map((l) => JSON.parse(l) as { chosen: string; rejected: string });
/** Turns of a transcript, a turn following one of its own role (a doubled marker) counted with it. */
function turnCount(transcript: string): number {
  const roles = [...transcript.matchAll(/\n\n(Human|Assistant):/g)].map((m) => m[1]);
  return roles.filter((r, i) => i === 0 || roles[i - 1] !== r).length;
}
const hasDoubledMarker = (t: string) => turnCount(t) !== [...t.matchAll(/\n\n(Human|Assistant):/g)].length;
const dpoRecords = JSON.parse(readFileSync(DPO, 'utf8')) as { conversations: unknown[]; chosen: { value: string }; rejected: { value: string } }[];
const v1Lines = readFileSync(V1, 'utf8').split('\n').filter((l) => l.trim() !== '');
const ktoRecords = JSON.parse(readFileSync(KTO, 'utf8')) as { messages: { role: string; content: string }[]; label: boolean }[];

describe('importing HH-RLHF (harmless-base/test.jsonl.gz)', () => {
  it('stores every pair as a prompt, two sibling answers and one pairwise vote, under MIT; a second import adds nothing', async () => {
    const report = await runImport('hh-rlhf', [HH]);
    const messages = hhRows.reduce((sum, r) => sum + turnCount(r.chosen) + 1, 0);
    const merged = hhRows.filter((r) => hasDoubledMarker(r.chosen) || hasDoubledMarker(r.rejected)).length;
    expect(report).toMatchObject({
      format: 'hh-rlhf',
      source: 'hh-rlhf',
      licence: 'MIT',
      records: hhLines.length,
      conversations: { imported: new Set(hhLines).size, duplicate: hhLines.length - new Set(hhLines).size },
      messages: { imported: messages, skipped: {} },
      feedback: { imported: hhLines.length },
      rejected: {},
      errors: [],
      stopped: false,
    });
    // Cut at the last "\n\nAssistant:", the prompts of a few pairs look different; every one of
    // them is a doubled marker, merged: the tree's prompts then agree.
    expect(report.notes).toEqual({ turns_merged: merged });
    expect(report.notes.prompts_differ ?? 0).toBe(0);
    expect(await counts('hh-rlhf')).toEqual({ conversations: hhLines.length, messages, feedback: { pairwise: hhLines.length } });

    // The vote: chosen over rejected, between two assistant siblings, by the dataset's people, licensed MIT.
    const row = await ctx.store.db.selectFrom('feedback').selectAll().where('id', '=', `hh-rlhf:${contentId(JSON.stringify([hhRows[0]!.chosen, hhRows[0]!.rejected]))}:pairwise`).executeTakeFirstOrThrow();
    const payload = JSON.parse(row.payload) as { outcome: string; other_message_id: string };
    expect(payload.outcome).toBe('a');
    expect(row).toMatchObject({ kind: 'pairwise', annotator_role: 'third_party', licence: 'MIT', contributor_id: 'ext:hh-rlhf', methodology_version: 'import:hh-rlhf' });
    const [chosen, rejected] = await Promise.all([row.message_id!, payload.other_message_id].map((id) => ctx.store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow()));
    expect(chosen!.parent_id).toBe(rejected!.parent_id);
    expect(chosen!.content).toBe(hhRows[0]!.chosen.slice(hhRows[0]!.chosen.lastIndexOf('\n\nAssistant:') + '\n\nAssistant:'.length).trim());
    expect(rejected!.content).toBe(hhRows[0]!.rejected.slice(hhRows[0]!.rejected.lastIndexOf('\n\nAssistant:') + '\n\nAssistant:'.length).trim());

    const again = await runImport('hh-rlhf', [HH]);
    expect(again).toMatchObject({ conversations: { imported: 0, duplicate: hhLines.length }, messages: { imported: 0 }, feedback: { imported: 0 } });
    expect(await counts('hh-rlhf')).toEqual({ conversations: hhLines.length, messages, feedback: { pairwise: hhLines.length } });
  });

  it('imports the pairs before the cut of a truncated .gz and says where it ends', async () => {
    const gz = readFileSync(HH);
    const cut = gz.subarray(0, Math.floor(gz.length / 2));
    const path = tempFile(cut, 'jsonl.gz');
    // What can be decompressed of the cut file: its complete lines are the pairs to expect.
    const readable = gunzipSync(cut, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8').split('\n').length - 1;
    expect(readable).toBeGreaterThan(0);
    expect(readable).toBeLessThan(hhLines.length);
    const report = await runImport('hh-rlhf', [path]);
    expect(report.conversations.imported).toBe(readable);
    expect(report.rejected).toEqual({ invalid_json: 1 });
    expect(report.errors).toEqual([{ file: path, position: readable + 1, code: 'invalid_json', message: expect.stringMatching(/truncated/) }]);
    expect((await counts('hh-rlhf')).conversations).toBe(readable);
  });

  it('reports a broken JSON line by its number and imports the rest', async () => {
    const lines = [...hhLines.slice(0, 4), '{"chosen": "\\n\\nHuman: cut off', ...hhLines.slice(4, 8)];
    const report = await runImport('hh-rlhf', [tempFile(`${lines.join('\n')}\n`)]);
    expect(report.conversations.imported).toBe(8);
    expect(report.errors).toEqual([{ file: expect.any(String), position: 5, code: 'invalid_json', message: 'the line is not valid JSON' }]);
    expect(await counts('hh-rlhf')).toMatchObject({ conversations: 8, feedback: { pairwise: 8 } });
  });

  it('stops at the broken line with --strict', async () => {
    const lines = [...hhLines.slice(0, 2), 'not json', ...hhLines.slice(2, 4)];
    const report = await runImport('hh-rlhf', [tempFile(lines.join('\n'))], { strict: true });
    expect(report.stopped).toBe(true);
    expect(report.errors.map((e) => e.position)).toEqual([3]);
    expect((await counts('hh-rlhf')).conversations).toBe(2);
  });

  it('counts the pairs whose prompts differ, as the file has them, and keeps both branches', async () => {
    const t = (...turns: string[]) => turns.map((c, i) => `\n\n${i % 2 === 0 ? 'Human' : 'Assistant'}: ${c}`).join('');
    const rows = [
      { chosen: t('Hi', 'Hello', 'Joke?', 'Knock knock'), rejected: t('Hi', 'What', 'Joke?', 'No') },
      { chosen: t('Q', 'A'), rejected: t('Q', 'B') },
      { chosen: t('Q2', 'A', 'Q3', 'C'), rejected: t('Q2', 'B') },
    ];
    const differ = rows.filter((r) => r.chosen.slice(0, r.chosen.lastIndexOf('\n\nAssistant:')) !== r.rejected.slice(0, r.rejected.lastIndexOf('\n\nAssistant:'))).length;
    const report = await runImport('hh-rlhf', [tempFile(rows.map((r) => JSON.stringify(r)).join('\n'))]);
    expect(report.notes).toEqual({ prompts_differ: differ });
    expect(report.messages.imported).toBe(7 + 3 + 5);
    expect(await counts('hh-rlhf')).toEqual({ conversations: 3, messages: 15, feedback: { pairwise: 3 } });
  });

  it('imports nothing from an empty file (plain or gzip, in each format), and rejects a file of another format row by row', async () => {
    for (const format of ['hh-rlhf', 'preference', 'kto']) {
      for (const content of ['', gzipSync('')]) {
        const empty = await runImport(format, [tempFile(content)], { licence: 'MIT' });
        expect(empty).toMatchObject({ records: 0, conversations: { imported: 0 }, rejected: {}, errors: [] });
      }
    }
    const wrong = await runImport('hh-rlhf', [KTO]);
    expect(wrong.records).toBe(ktoRecords.length);
    expect(wrong.rejected).toEqual({ invalid_record: ktoRecords.length });
    expect(wrong.errors[0]).toMatchObject({ position: 1, message: expect.stringMatching(/kto format/) });
    expect(await counts('hh-rlhf')).toEqual({ conversations: 0, messages: 0, feedback: {} });
  });
});

describe('importing TRL / LLaMA-Factory preference rows', () => {
  it('needs the dataset licence: the format has no usual one', async () => {
    await expect(runImport('preference', [DPO])).rejects.toThrow(/licence/);
  });

  it('imports dpo_en_demo.json (a JSON array) and v1_dpo_demo.jsonl; rows that repeat one another are stored once; again adds nothing', async () => {
    const unique = new Set(dpoRecords.map((r) => JSON.stringify(r))).size;
    const report = await runImport('preference', [DPO], { licence: 'Apache-2.0', source: 'llamafactory' });
    expect(report).toMatchObject({
      records: dpoRecords.length,
      conversations: { imported: unique, duplicate: dpoRecords.length - unique },
      rejected: {},
      notes: {},
    });
    const uniqueRecords = [...new Map(dpoRecords.map((r) => [JSON.stringify(r), r])).values()];
    const messages = uniqueRecords.reduce((sum, r) => sum + r.conversations.length + 2, 0);
    expect(report.messages.imported).toBe(messages);
    expect(await counts('llamafactory')).toEqual({ conversations: unique, messages, feedback: { pairwise: unique } });
    // Licence and source on every conversation.
    const licences = await ctx.store.db.selectFrom('conversations').select('licence').distinct().where('source', '=', 'llamafactory').execute();
    expect(licences).toEqual([{ licence: 'Apache-2.0' }]);
    // The chosen answers are where the votes point.
    const chosen = await ctx.store.db
      .selectFrom('feedback')
      .innerJoin('messages', 'messages.id', 'feedback.message_id')
      .select('messages.content')
      .where('feedback.kind', '=', 'pairwise')
      .where('messages.conversation_id', 'like', 'llamafactory:%')
      .execute();
    expect(new Set(chosen.map((c) => c.content))).toEqual(new Set(uniqueRecords.map((r) => scrubText(r.chosen.value).text)));

    const v1 = await runImport('preference', [V1], { licence: 'Apache-2.0', source: 'llamafactory' });
    expect(v1).toMatchObject({ records: v1Lines.length, conversations: { imported: v1Lines.length }, feedback: { imported: v1Lines.length }, rejected: {} });

    const again = await runImport('preference', [DPO, V1], { licence: 'Apache-2.0', source: 'llamafactory' });
    expect(again).toMatchObject({ conversations: { imported: 0, duplicate: dpoRecords.length + v1Lines.length }, messages: { imported: 0 }, feedback: { imported: 0 } });
    expect((await counts('llamafactory')).conversations).toBe(unique + v1Lines.length);
  });

  it('rejects every row of a KTO file fed to it, saying which format it is, and stores nothing', async () => {
    const report = await runImport('preference', [KTO], { licence: 'Apache-2.0' });
    expect(report.rejected).toEqual({ invalid_record: ktoRecords.length });
    expect(report.errors).toHaveLength(ktoRecords.length);
    expect(report.errors[0]!.message).toMatch(/KTO row.*kto format/);
    expect(await counts('preference')).toEqual({ conversations: 0, messages: 0, feedback: {} });
  });

  it('stores unicode, emoji, system prompts and a 200,000-character answer exactly', async () => {
    const long = `${'é'.repeat(100_000)}${'🙂'.repeat(50_000)}`;
    expect(long).toHaveLength(200_000);
    const rows = [
      { prompt: [{ role: 'system', content: 'Réponds en français 🇫🇷' }, { role: 'user', content: 'Ciel ? 🌌' }], chosen: [{ role: 'assistant', content: 'Bleu 💙' }], rejected: [{ role: 'assistant', content: long }] },
      { system: 'שלום', conversations: [{ from: 'human', value: '你好' }], chosen: { from: 'gpt', value: 'こんにちは' }, rejected: { from: 'gpt', value: '👋🏽' } },
    ];
    const report = await runImport('preference', [tempFile(rows.map((r) => JSON.stringify(r)).join('\n'))], { licence: 'CC0-1.0' });
    expect(report).toMatchObject({ conversations: { imported: 2 }, messages: { imported: 8 }, rejected: {} });
    const stored = await ctx.store.db.selectFrom('messages').select(['role', 'content', 'parent_id']).orderBy('content').execute();
    expect(stored.find((m) => m.content.length === long.length)?.content).toBe(long);
    expect(stored.filter((m) => m.role === 'system').map((m) => [m.content, m.parent_id])).toEqual(
      expect.arrayContaining([
        ['Réponds en français 🇫🇷', null],
        ['שלום', null],
      ]),
    );
    for (const text of ['Ciel ? 🌌', 'Bleu 💙', '你好', 'こんにちは', '👋🏽']) expect(stored.map((m) => m.content)).toContain(text);
  });
});

describe('importing KTO rows', () => {
  it('imports kto_en_demo.json: each conversation with a thumb on its last answer; again adds nothing', async () => {
    const report = await runImport('kto', [KTO], { licence: 'Apache-2.0' });
    const messages = ktoRecords.reduce((sum, r) => sum + r.messages.length, 0);
    expect(report).toMatchObject({ records: ktoRecords.length, conversations: { imported: ktoRecords.length }, messages: { imported: messages }, feedback: { imported: ktoRecords.length }, rejected: {} });
    expect(await counts('kto')).toEqual({ conversations: ktoRecords.length, messages, feedback: { thumbs: ktoRecords.length } });
    const thumbs = await ctx.store.db
      .selectFrom('feedback')
      .innerJoin('messages', 'messages.id', 'feedback.message_id')
      .select(['feedback.payload', 'feedback.valence', 'messages.role', 'messages.content'])
      .where('feedback.kind', '=', 'thumbs')
      .execute();
    const up = thumbs.filter((t) => (JSON.parse(t.payload) as { value: string }).value === 'up');
    expect(up).toHaveLength(ktoRecords.filter((r) => r.label).length);
    expect(thumbs.every((t) => t.role === 'assistant')).toBe(true);
    expect(new Set(up.map((t) => t.content))).toEqual(new Set(ktoRecords.filter((r) => r.label).map((r) => scrubText(r.messages.at(-1)!.content).text)));
    expect(up.every((t) => t.valence !== null && t.valence > 0)).toBe(true);

    const again = await runImport('kto', [KTO], { licence: 'Apache-2.0' });
    expect(again).toMatchObject({ conversations: { imported: 0, duplicate: ktoRecords.length }, feedback: { imported: 0 } });
    expect((await counts('kto')).conversations).toBe(ktoRecords.length);
  });

  it('rejects a preference file fed to it, row by row, and reports a broken line among good ones', async () => {
    const wrong = await runImport('kto', [DPO], { licence: 'Apache-2.0' });
    expect(wrong.rejected).toEqual({ invalid_record: dpoRecords.length });
    expect(wrong.errors[0]!.message).toMatch(/preference format/);
    const lines = [JSON.stringify({ prompt: 'Hi 👋', completion: 'Hello', label: true }), '{"prompt": ', JSON.stringify({ prompt: 'Hi', completion: 'Go away', label: false })];
    const report = await runImport('kto', [tempFile(gzipSync(lines.join('\n')), 'jsonl.gz')], { licence: 'CC0-1.0' });
    expect(report.errors).toEqual([{ file: expect.any(String), position: 2, code: 'invalid_json', message: 'the line is not valid JSON' }]);
    expect(await counts('kto')).toEqual({ conversations: 2, messages: 4, feedback: { thumbs: 2 } });
  });
});
