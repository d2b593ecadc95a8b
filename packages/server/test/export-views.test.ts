import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema, type SchemaTree } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportView } from '@openfeedback/core';
import { TEST_DATABASES } from './support/databases.js';
import { signUp, signUpAdmin, type Actor, type TestApp, createTestApp } from './support/test-app.js';

/*
 * The training views (sft, dpo, kto, reward) through the real route, on a pool filled the way
 * people fill it: conversations and feedback sent by bulk ingest, and a ShareGPT file imported by an
 * admin and then rated. Each view is downloaded as JSON Lines and as Parquet, in both forms, and
 * the Parquet file, read back by an independent reader (hyparquet), holds exactly the JSONL rows.
 */

const VIEWS = ['sft', 'dpo', 'kto', 'reward'] as const;
const FORMS = ['conversational', 'standard'] as const;

/** A native conversation that branches: q1 → {a1, b1}, a1 → q2 → a2; and its feedback, one event of each rule. */
function ingestBody(): string {
  const lines: unknown[] = [
    {
      type: 'conversation',
      id: 'n1',
      language: 'pt',
      messages: [
        { id: 'q1', role: 'user', content: 'Que rio passa por Lisboa?' },
        { id: 'a1', parent_id: 'q1', role: 'assistant', content: 'O Tejo. 🌊' },
        { id: 'b1', parent_id: 'q1', role: 'assistant', content: 'O Douro.' },
        { id: 'q2', parent_id: 'a1', role: 'user', content: 'Obrigado! E onde nasce?' },
        { id: 'a2', parent_id: 'q2', role: 'assistant', content: 'Na Serra de Albarracín, em Espanha.' },
      ],
    },
    { type: 'feedback', id: 'f-up', kind: 'thumbs', conversation_id: 'n1', message_id: 'a1', value: 'up' },
    { type: 'feedback', id: 'f-down', kind: 'thumbs', conversation_id: 'n1', message_id: 'b1', value: 'down' },
    { type: 'feedback', id: 'f-vote', kind: 'pairwise', conversation_id: 'n1', message_id: 'b1', other_message_id: 'a1', outcome: 'b' },
    { type: 'feedback', id: 'f-tie', kind: 'pairwise', conversation_id: 'n1', message_id: 'b1', other_message_id: 'a1', outcome: 'tie' },
    { type: 'feedback', id: 'f-rank', kind: 'ranking', conversation_id: 'n1', ranking: ['a1', 'b1'] },
    { type: 'feedback', id: 'f-fix', kind: 'correction', conversation_id: 'n1', message_id: 'b1', text: 'O Tejo (Douro é no Porto).' },
    { type: 'feedback', id: 'f-again', kind: 'regenerate', conversation_id: 'n1', message_id: 'b1' },
    { type: 'feedback', id: 'f-thanks', kind: 'natural', conversation_id: 'n1', message_id: 'a1', source_message_id: 'q2', category: 'UR5', span: { start: 0, end: 9 } },
    { type: 'feedback', id: 'f-four', kind: 'rating', conversation_id: 'n1', message_id: 'a2', score: 4 },
    { type: 'feedback', id: 'f-note', kind: 'critique', conversation_id: 'n1', message_id: 'a2', text: 'Could name the province.', sentiment: 0 },
  ];
  return lines.map((l) => JSON.stringify(l)).join('\n');
}

/** Parquet values as JSON Lines has them: nested lists plain, timestamps (none in these views) as ISO strings. */
function plain(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** A Parquet column as the view's column type it stands for (what `datasets` turns into a feature). */
function parquetType(node: SchemaTree): [string, string] {
  const e = node.element;
  if (e.converted_type === 'LIST') {
    const item = node.children[0]!.children[0]!;
    const fields = item.children.map((c) => `${c.element.name}:${c.element.type}`).join();
    return [e.name, fields === 'role:BYTE_ARRAY,content:BYTE_ARRAY' ? 'messages' : item.element.type === 'BYTE_ARRAY' && item.children.length === 0 ? 'strings' : `list of ${fields}`];
  }
  const types: Record<string, string> = { BYTE_ARRAY: 'string', DOUBLE: 'double', BOOLEAN: 'boolean', INT32: 'int' };
  return [e.name, types[e.type ?? ''] ?? String(e.type)];
}

describe.each(TEST_DATABASES)('training views exported through the API on $name', (database) => {
  let t: TestApp;
  let admin: Actor & { apiKey: string };
  let dir: string;

  const download = async (view: string, query: string) => {
    const res = await admin.request('GET', `/v1/exports/${view}?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };
  const jsonl = async (view: string, query: string) =>
    (await download(view, `format=jsonl&${query}`)).body
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    t = await createTestApp(database);
    dir = mkdtempSync(join(tmpdir(), 'openfeedback-export-views-'));
    admin = await signUpAdmin(t);
    const ada = await signUp(t.app);
    const key = (await ada.request('POST', '/v1/api-keys', { name: 'chat app', scopes: ['ingest', 'read'] })).json().key as string;
    const ingest = (body: string, bearer: string) => t.app.inject({ method: 'POST', url: '/v1/ingest', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/x-ndjson' }, payload: body });
    expect((await ingest(ingestBody(), key)).json()).toMatchObject({ conversations: 1, messages: 5, feedback: 10, rejected: 0 });

    const sharegpt = { id: 'r1', model: 'vicuna-13b', conversations: [{ from: 'human', value: '¿Dónde nace el Tajo?' }, { from: 'gpt', value: 'En la Sierra de Albarracín.' }] };
    const imported = await admin.request('POST', '/v1/imports/sharegpt?source=sgpt&licence=CC0-1.0', JSON.stringify(sharegpt), { 'content-type': 'application/x-ndjson' });
    expect(imported.json()).toMatchObject({ conversations: { imported: 1 }, messages: { imported: 2 } });
    const rated = JSON.stringify({ type: 'feedback', id: 'f-imported', kind: 'thumbs', conversation_id: 'sgpt:r1', message_id: 'sgpt:r1:1', value: 'up' });
    expect((await ingest(rated, admin.apiKey)).json()).toMatchObject({ feedback: 1, rejected: 0 });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes sft rows: the good answers and the corrections', async () => {
    const rows = await jsonl('sft', 'form=conversational');
    expect(rows.map((r) => [r.message_id, r.source])).toEqual([
      ['a1', 'judgements'],
      ['a2', 'judgements'],
      ['b1', 'correction'],
      ['sgpt:r1:1', 'judgements'],
    ]);
    expect(rows[1]).toEqual({
      messages: [
        { role: 'user', content: 'Que rio passa por Lisboa?' },
        { role: 'assistant', content: 'O Tejo. 🌊' },
        { role: 'user', content: 'Obrigado! E onde nasce?' },
        { role: 'assistant', content: 'Na Serra de Albarracín, em Espanha.' },
      ],
      source: 'judgements',
      conversation_id: 'n1',
      message_id: 'a2',
      model: null,
      valence: 0.5,
      kinds: ['rating'],
      feedback_ids: ['f-four'],
      language: 'pt',
    });
    expect(rows[3]).toMatchObject({ model: 'vicuna-13b', messages: [{ role: 'user', content: '¿Dónde nace el Tajo?' }, { role: 'assistant', content: 'En la Sierra de Albarracín.' }] });
    const standard = await jsonl('sft', 'form=standard');
    expect(standard[2]).toMatchObject({ prompt: '\n\nHuman: Que rio passa por Lisboa?\n\nAssistant:', completion: ' O Tejo (Douro é no Porto).' });
  });

  it('writes dpo rows from the vote, the ranking, the correction and the thumbs of siblings, not from the tie', async () => {
    const rows = await jsonl('dpo', 'form=conversational');
    expect(rows.map((r) => [r.source, r.chosen_id, r.rejected_id, r.feedback_ids])).toEqual([
      // Events in the order they were given (here: one batch, so by id), then siblings' thumbs.
      ['correction', null, 'b1', ['f-fix']],
      ['ranking', 'a1', 'b1', ['f-rank']],
      ['pairwise', 'a1', 'b1', ['f-vote']],
      ['thumbs', 'a1', 'b1', ['f-up', 'f-down']],
    ]);
    expect(rows[2]).toMatchObject({ prompt: [{ role: 'user', content: 'Que rio passa por Lisboa?' }], chosen: [{ role: 'assistant', content: 'O Tejo. 🌊' }], rejected: [{ role: 'assistant', content: 'O Douro.' }], prompt_id: 'q1' });
    // The feedback filter reaches the view: only the pairwise votes.
    expect((await jsonl('dpo', 'kind=pairwise')).map((r) => r.source)).toEqual(['pairwise']);
  });

  it('writes kto rows labelled by each answer’s verdict, and reward rows with margins', async () => {
    const kto = await jsonl('kto', 'form=standard');
    expect(kto.map((r) => [r.message_id, r.source, r.label])).toEqual([
      ['a1', 'judgements', true],
      ['a2', 'judgements', true],
      ['b1', 'judgements', false],
      ['b1', 'correction', true],
      ['sgpt:r1:1', 'judgements', true],
    ]);
    expect(kto[2]).toMatchObject({ prompt: '\n\nHuman: Que rio passa por Lisboa?\n\nAssistant:', completion: ' O Douro.', valence: -1, kinds: ['regenerate', 'thumbs', 'correction'] });
    const reward = await jsonl('reward', 'form=standard');
    expect(reward.map((r) => [r.source, r.margin])).toEqual([
      ['correction', 1],
      ['ranking', 1],
      ['pairwise', 1],
      ['thumbs', 1],
    ]);
    expect(reward[2]).toMatchObject({ chosen: '\n\nHuman: Que rio passa por Lisboa?\n\nAssistant: O Tejo. 🌊', rejected: '\n\nHuman: Que rio passa por Lisboa?\n\nAssistant: O Douro.' });
  });

  for (const view of VIEWS) {
    for (const form of FORMS) {
      it(`${view} (${form}): the Parquet file holds the JSONL rows, under the view's columns`, async () => {
        const columns = exportView(view)!.columns({ form });
        const rows = await jsonl(view, `form=${form}`);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) expect(Object.keys(row)).toEqual(columns.map((c) => c.name));

        const res = await download(view, `format=parquet&form=${form}`);
        expect(res.headers['content-type']).toBe('application/vnd.apache.parquet');
        const file = join(dir, `${view}-${form}.parquet`);
        writeFileSync(file, res.rawPayload);
        const parquet = await asyncBufferFromFile(file);
        const schema = parquetSchema(await parquetMetadataAsync(parquet));
        expect(schema.children.map(parquetType)).toEqual(columns.map((c) => [c.name, c.type]));
        const read = await parquetReadObjects({ file: parquet });
        expect(read.map((r) => Object.keys(r))).toEqual(rows.map(() => columns.map((c) => c.name)));
        expect(read.map(plain)).toEqual(rows);
      });
    }
  }
});
