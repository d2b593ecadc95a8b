import type { Db } from './store.js';
import type { TombstoneTable } from './schema.js';

export async function insertTombstones(db: Db, rows: readonly TombstoneTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('tombstones').values(rows.slice(i, i + 500)).execute();
}

/** Tombstones laid in (after, until], oldest first: what a release lists as removals since the one before. */
export async function tombstonesBetween(db: Db, after: string | null, until: string): Promise<TombstoneTable[]> {
  let q = db.selectFrom('tombstones').selectAll().where('created_at', '<=', until);
  if (after !== null) q = q.where('created_at', '>', after);
  return q.orderBy('created_at').orderBy('id').execute();
}
