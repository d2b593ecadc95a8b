import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecordFile, type SourceRecord } from '../src/interchange/read-records.js';

const dir = mkdtempSync(join(tmpdir(), 'of-read-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: string | Buffer, name = `f${++n}`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function all(path: string): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const r of readRecordFile(path)) out.push(r);
  return out;
}

const values = (records: SourceRecord[]) => records.flatMap((r) => ('value' in r ? [r.value] : []));
const errors = (records: SourceRecord[]) => records.flatMap((r) => ('error' in r ? [[r.position, r.error.message] as const] : []));

describe('reading dataset files', () => {
  it('reads JSON Lines with line numbers, skipping blank lines and CRLF endings', async () => {
    const records = await all(file('{"a":1}\r\n\n{"a":2}\n{"a":3}'));
    expect(records).toEqual([
      { position: 1, value: { a: 1 } },
      { position: 3, value: { a: 2 } },
      { position: 4, value: { a: 3 } },
    ]);
  });

  it('reports a broken line by number and goes on', async () => {
    const records = await all(file('{"a":1}\n{"a": broken\n{"a":3}\n'));
    expect(values(records)).toEqual([{ a: 1 }, { a: 3 }]);
    expect(errors(records)).toEqual([[2, 'the line is not valid JSON']]);
  });

  it('streams the elements of a JSON array, numbered from 1', async () => {
    const records = await all(file(' \n[{"a":1},{"a":[2,{"b":"ü"}]},\n{"a":3}]'));
    expect(records).toEqual([
      { position: 1, value: { a: 1 } },
      { position: 2, value: { a: [2, { b: 'ü' }] } },
      { position: 3, value: { a: 3 } },
    ]);
  });

  it('reports where a JSON array breaks, after yielding what came before', async () => {
    const records = await all(file('[{"a":1},{"a":2},{"a": nope}]'));
    expect(values(records)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(errors(records)).toHaveLength(1);
    expect(errors(records)[0]![0]).toBe(3);
  });

  it('reads nothing from an empty file, or one of blanks', async () => {
    expect(await all(file(''))).toEqual([]);
    expect(await all(file('\n\n  \n'))).toEqual([]);
  });

  it('reads gzip-compressed files whatever their name', async () => {
    const records = await all(file(gzipSync('{"a":1}\n{"a":2}\n'), 'no-extension'));
    expect(values(records)).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('says a truncated gzip file ends early, after yielding the records before the cut', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ i, text: `line ${i} `.repeat(20) }));
    const gz = gzipSync(`${lines.join('\n')}\n`);
    const records = await all(file(gz.subarray(0, Math.floor(gz.length * 0.6))));
    const read = values(records) as { i: number }[];
    expect(read.length).toBeGreaterThan(100);
    expect(read.length).toBeLessThan(2000);
    expect(read.map((r) => r.i)).toEqual(read.map((_, i) => i));
    expect(errors(records).at(-1)?.[1]).toMatch(/truncated/);
  });

  it('refuses a file that is neither JSON, JSON Lines, gzip nor Parquet', async () => {
    const records = await all(file('id,text\n1,hello\n'));
    expect(values(records)).toEqual([]);
    expect(errors(records)).toEqual([[1, 'not JSON Lines, a JSON array, Parquet or gzip']]);
  });

  it('keeps unicode intact across chunk boundaries, and reads very long lines', async () => {
    const long = '😀é漢'.repeat(70_000); // 280,000 UTF-16 units, multi-byte characters split across 64 KiB reads
    const records = await all(file(`${JSON.stringify({ text: long })}\n${JSON.stringify({ text: 'после' })}\n`));
    expect(values(records)).toEqual([{ text: long }, { text: 'после' }]);
  });

  it('reads Parquet files row by row, numbers as numbers', async () => {
    const path = join(dir, 'rows.parquet');
    parquetWriteFile({
      filename: path,
      columnData: [
        { name: 'message_id', data: ['m1', 'm2', 'm3'], type: 'STRING' },
        { name: 'rank', data: [0n, 1n, null], type: 'INT64' },
      ],
    });
    expect(readFileSync(path).subarray(0, 4).toString('latin1')).toBe('PAR1');
    expect(values(await all(path))).toEqual([
      { message_id: 'm1', rank: 0 },
      { message_id: 'm2', rank: 1 },
      { message_id: 'm3', rank: null },
    ]);
  });
});
