import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import chain from 'stream-chain';
import { parser } from 'stream-json';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { splitLines } from '../ndjson/split-lines.js';

/** One record of a source file, or why it could not be read. `position` is a line number (JSON Lines) or a record number (JSON arrays, Parquet). */
export type SourceRecord =
  | { position: number; value: unknown }
  | { position: number; error: { code: 'invalid_json'; message: string } };

export interface ReadOptions {
  /** Longest JSON Lines line read (longer ones are reported and skipped). */
  maxLineChars?: number;
  /** Called with the number of (compressed) bytes consumed so far, for progress bars. */
  onBytes?: (bytes: number) => void;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const PARQUET_MAGIC = 'PAR1';

/**
 * Streams the records of a JSON Lines, JSON array or gzip-compressed file, whatever its size, in
 * constant memory: the format is sniffed from the first bytes, not the file name. A line that is
 * not JSON, or a file that ends in the middle (a truncated download), is yielded as an error and
 * the reading goes on where it can.
 */
export async function* readRecordStream(input: AsyncIterable<Uint8Array | string>, options: ReadOptions = {}): AsyncGenerator<SourceRecord> {
  const counted = countBytes(input, options.onBytes);
  const [head, all] = await peek(counted);
  const bytes = head !== undefined && GZIP_MAGIC.every((b, i) => head[i] === b) ? gunzip(all) : all;
  const [first, text] = await peek(bytes);
  const firstChar = first === undefined ? undefined : Buffer.from(first).toString('utf8').trimStart()[0];
  let position = 0;
  try {
    if (firstChar === undefined) return;
    if (firstChar === '[') {
      for await (const { key, value } of jsonArrayItems(text)) {
        position = key + 1;
        yield { position, value };
      }
      return;
    }
    for await (const line of splitLines(text, { maxLineChars: options.maxLineChars ?? 16 * 1024 * 1024, maxTotalBytes: Number.MAX_SAFE_INTEGER })) {
      position++;
      if (line === null) {
        yield { position, error: { code: 'invalid_json', message: 'the line is too long' } };
        continue;
      }
      if (line.trim() === '') continue;
      try {
        yield { position, value: JSON.parse(line) };
      } catch {
        yield { position, error: { code: 'invalid_json', message: firstChar === '{' ? 'the line is not valid JSON' : 'not JSON Lines, a JSON array, Parquet or gzip' } };
        if (firstChar !== '{' && position === 1) return;
      }
    }
  } catch (e) {
    yield { position: position + 1, error: { code: 'invalid_json', message: endMessage(e) } };
  }
}

/** A file on disk: JSON Lines, a JSON array, either gzip-compressed, or Parquet (read by row group). */
export async function* readRecordFile(path: string, options: ReadOptions = {}): AsyncGenerator<SourceRecord> {
  const { createReadStream } = await import('node:fs');
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'r');
  const magic = Buffer.alloc(4);
  await handle.read(magic, 0, 4, 0);
  await handle.close();
  if (magic.toString('latin1') === PARQUET_MAGIC) {
    yield* readParquet(path, options);
    return;
  }
  yield* readRecordStream(createReadStream(path), options);
}

async function* readParquet(path: string, options: ReadOptions): AsyncGenerator<SourceRecord> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd, rowFormat: 'object' });
    for (const [i, value] of rows.entries()) yield { position: rowStart + i + 1, value: bigintsAsNumbers(value) };
    rowStart = rowEnd;
    options.onBytes?.(Math.round((file.byteLength * rowEnd) / Math.max(1, Number(metadata.num_rows))));
  }
}

/** Parquet INT64 columns arrive as BigInt; the formats expect JSON-like numbers. */
function bigintsAsNumbers(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(bigintsAsNumbers);
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bigintsAsNumbers(v)]));
  }
  return value;
}

function endMessage(e: unknown): string {
  const message = (e as Error).message ?? String(e);
  if (/unexpected end of file/i.test(message)) return 'the gzip stream ends early: the file is truncated';
  if (/incorrect header check|invalid/i.test(message) && /gzip|zlib|header/i.test(message)) return `the gzip stream is damaged: ${message}`;
  return `the file cannot be read past this point: ${message}`;
}

async function* countBytes(input: AsyncIterable<Uint8Array | string>, onBytes?: (n: number) => void): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += bytes.length;
    onBytes?.(total);
    yield bytes;
  }
}

/** The first chunk, and an iterable that still yields every chunk (the first included). */
async function peek(input: AsyncIterable<Uint8Array>): Promise<[Uint8Array | undefined, AsyncIterable<Uint8Array>]> {
  const iterator = input[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* rest(): AsyncGenerator<Uint8Array> {
    if (first.done === true) return;
    yield first.value;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
  }
  return [first.done === true ? undefined : first.value, rest()];
}

function gunzip(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return Readable.from(input).pipe(createGunzip());
}

function jsonArrayItems(input: AsyncIterable<Uint8Array>): AsyncIterable<{ key: number; value: unknown }> {
  return chain([Readable.from(input), parser(), streamArray()]) as unknown as AsyncIterable<{ key: number; value: unknown }>;
}
