import { AppError } from '../errors.js';

export interface SplitLimits {
  /** Longer lines are yielded as `null` (reported as rejected) and skipped. */
  maxLineChars: number;
  /** Past this many bytes the stream is abandoned with `body_too_large`. */
  maxTotalBytes: number;
}

/**
 * Splits a byte stream into lines (LF or CRLF), decoding UTF-8 across chunk boundaries, holding at
 * most one line in memory: a 1 GB upload streams through in constant space.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array | string>, limits: SplitLimits): AsyncGenerator<string | null> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let skipping = false;
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > limits.maxTotalBytes) throw new AppError('body_too_large', `the body is larger than ${limits.maxTotalBytes} bytes`);
    const text = carry + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      if (skipping) skipping = false;
      else yield stripCr(text.slice(start, nl), limits);
      start = nl + 1;
    }
    carry = text.slice(start);
    if (carry.length > limits.maxLineChars) {
      if (!skipping) yield null;
      skipping = true;
      carry = '';
    }
  }
  carry += decoder.decode();
  if (carry !== '' && !skipping) yield stripCr(carry, limits);
}

function stripCr(line: string, limits: SplitLimits): string | null {
  const l = line.endsWith('\r') ? line.slice(0, -1) : line;
  return l.length > limits.maxLineChars ? null : l;
}
