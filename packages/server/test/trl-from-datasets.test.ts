import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportView, importFormat, type ColumnSpec, type ViewOptions } from '@openfeedback/core';
import { readRecordFile } from '../src/interchange/read-records.js';
import { exportRows } from '../src/services/exports.js';
import { importRecords } from '../src/services/imports.js';
import { OPERATOR } from '../src/services/principal.js';
import { TEST_DATABASES } from './support/databases.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The promise of the training views, checked on real data: HH-RLHF and OpenAssistant imported from
 * ../shared/data (read in place), exported as dpo, kto, sft and reward in both forms, give rows with
 * exactly the columns and value types TRL reads (docs/training-views.md).
 */
const HH = fileURLToPath(new URL('../../../../shared/data/hh-rlhf/harmless-base/test.jsonl.gz', import.meta.url));
const OASST = fileURLToPath(new URL('../../../../shared/data/oasst-native/en_100_tree.jsonl', import.meta.url));
const ROLES = ['system', 'user', 'assistant'];

/** A value of a column as TRL and `datasets` expect it. */
function hasType(value: unknown, c: ColumnSpec): boolean {
  if (value === null) return c.nullable;
  switch (c.type) {
    case 'string':
    case 'json':
    case 'timestamp':
      return typeof value === 'string';
    case 'int':
      return Number.isInteger(value);
    case 'double':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'strings':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'messages':
      return (
        Array.isArray(value) &&
        value.every((t) => typeof t === 'object' && t !== null && Object.keys(t).join() === 'role,content' && ROLES.includes((t as { role: string }).role) && typeof (t as { content: unknown }).content === 'string')
      );
  }
}

describe.each(TEST_DATABASES)('TRL views of imported HH-RLHF and OpenAssistant on $name', (database) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(database);
    for (const [format, file] of [['hh-rlhf', HH], ['oasst', OASST]] as const) {
      const report = await importRecords(t.ctx, OPERATOR, { format: importFormat(format)! }, [{ file, records: readRecordFile(file) }]);
      expect(report.conversations.imported).toBeGreaterThan(0);
    }
  }, 120_000);
  afterAll(() => t?.close());

  async function rows(view: string, options: ViewOptions) {
    const out: Record<string, unknown>[] = [];
    for await (const row of exportRows(t.ctx, OPERATOR, exportView(view)!, {}, options)) out.push(row);
    return out;
  }

  for (const view of ['sft', 'dpo', 'kto', 'reward']) {
    for (const form of ['conversational', 'standard'] as const) {
      it(`${view} (${form}): every row has the view's columns, in order, with TRL's types`, async () => {
        const columns = exportView(view)!.columns({ form });
        const all = await rows(view, { form });
        expect(all.length).toBeGreaterThan(0);
        for (const row of all) {
          expect(Object.keys(row)).toEqual(columns.map((c) => c.name));
          for (const c of columns) expect(hasType(row[c.name], c), `${view}.${c.name} = ${JSON.stringify(row[c.name])?.slice(0, 200)}`).toBe(true);
        }
      });
    }
  }

  it('dpo gives one pair per HH-RLHF vote whose answers differ, chosen over rejected, as TRL lays them out', async () => {
    const db = t.ctx.store.db;
    const votes = await db.selectFrom('feedback').select(['id', 'payload', 'message_id']).where('kind', '=', 'pairwise').where('conversation_id', 'like', 'hh-rlhf:%').execute();
    const texts = new Map((await db.selectFrom('messages').select(['id', 'content']).where('conversation_id', 'like', 'hh-rlhf:%').execute()).map((m) => [m.id, m.content] as const));
    const differing = votes.filter((v) => texts.get(v.message_id!) !== texts.get((JSON.parse(v.payload) as { other_message_id: string }).other_message_id));
    const conversational = (await rows('dpo', { form: 'conversational' })).filter((r) => (r.conversation_id as string).startsWith('hh-rlhf:'));
    expect(conversational).toHaveLength(differing.length);
    for (const r of conversational) {
      expect(r.source).toBe('pairwise');
      const prompt = r.prompt as { role: string; content: string }[];
      expect(prompt.at(-1)!.role).toBe('user');
      expect(r.chosen).toEqual([{ role: 'assistant', content: texts.get(r.chosen_id as string) }]);
      expect(r.rejected).toEqual([{ role: 'assistant', content: texts.get(r.rejected_id as string) }]);
    }
    const standard = (await rows('dpo', { form: 'standard' })).filter((r) => (r.conversation_id as string).startsWith('hh-rlhf:'));
    expect(standard).toHaveLength(differing.length);
    for (const r of standard) {
      expect(r.prompt as string).toMatch(/^\n\nHuman: [\s\S]*\n\nAssistant:$/);
      expect((r.chosen as string).startsWith(' ') || r.chosen === '').toBe(true);
    }
  });

  it("kto and sft draw on OpenAssistant's thumbs; reward margins lie in (0, 1]", async () => {
    const kto = (await rows('kto', { form: 'conversational' })).filter((r) => ((r.completion as { content: string }[])[0]?.content ?? '') !== '');
    expect(kto.some((r) => r.label === true)).toBe(true);
    expect(kto.some((r) => r.label === false)).toBe(true);
    const sft = await rows('sft', { form: 'conversational' });
    for (const r of sft) expect((r.messages as { role: string }[]).at(-1)!.role).toBe('assistant');
    const reward = await rows('reward', { form: 'conversational' });
    expect(reward.some((r) => r.source === 'ranking')).toBe(true);
    for (const r of reward) expect(r.margin as number).toBeGreaterThan(0), expect(r.margin as number).toBeLessThanOrEqual(1);
  });
});
