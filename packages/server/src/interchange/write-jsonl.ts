import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Rows as JSON Lines, written in chunks and paced by the stream's backpressure. */
export async function writeJsonl(rows: AsyncIterable<Record<string, unknown>>, out: Writable): Promise<void> {
  let buffer = '';
  const drain = () => once(out, 'drain');
  for await (const row of rows) {
    buffer += `${JSON.stringify(row)}\n`;
    if (buffer.length > 1 << 16) {
      const ok = out.write(buffer);
      buffer = '';
      if (!ok) await drain();
    }
  }
  if (buffer !== '' && !out.write(buffer)) await drain();
}
