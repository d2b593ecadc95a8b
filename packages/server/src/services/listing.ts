import { Id, Timestamp } from '@openfeedback/core';
import type { Keyset } from '../store/keyset.js';
import { AppError } from '../errors.js';

/** Cursors are opaque to clients: the keyset of the last row of a page, base64url-encoded. */
export function encodeCursor(k: Keyset): string {
  return Buffer.from(JSON.stringify([k.created_at, k.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Keyset | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && Timestamp.safeParse(value[0]).success && Id.safeParse(value[1]).success) {
      return { created_at: value[0] as string, id: value[1] as string };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError('invalid_cursor', 'the cursor is not one this server issued', 'cursor');
}

/** Cuts one extra row off a query that asked for `limit + 1`, and makes the cursor of the next page. */
export function toPage<Row extends Keyset, Item>(rows: Row[], limit: number, map: (row: Row) => Item) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(map), next_cursor: rows.length > limit && last !== undefined ? encodeCursor(last) : null };
}

/** Time bounds of a listing, normalised to UTC: the form timestamps are stored in (so text order is time order). */
export function utcRange(f: { since?: string | undefined; until?: string | undefined }) {
  return {
    ...(f.since !== undefined && { since: new Date(f.since).toISOString() }),
    ...(f.until !== undefined && { until: new Date(f.until).toISOString() }),
  };
}
