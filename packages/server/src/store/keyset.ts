import type { ExpressionBuilder } from 'kysely';
import type { Schema } from './schema.js';

/** A position in a newest-first listing: the last row a page ended on. */
export interface Keyset {
  created_at: string;
  id: string;
}

type Listed = 'conversations' | 'feedback';

/**
 * Rows strictly after `k` in (created_at DESC, id DESC) order: a page boundary that stays correct
 * while new rows arrive, unlike OFFSET.
 */
export function olderThan<T extends Listed>(k: Keyset) {
  return (eb: ExpressionBuilder<Schema, T>) => {
    const b = eb as unknown as ExpressionBuilder<Schema, Listed>;
    return b.or([b('created_at', '<', k.created_at), b.and([b('created_at', '=', k.created_at), b('id', '<', k.id)])]);
  };
}
