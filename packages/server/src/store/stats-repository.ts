import { sql } from 'kysely';
import type { Db } from './store.js';
import type { Schema } from './schema.js';

type CountedTable = 'communities' | 'models' | 'conversations' | 'messages' | 'feedback';

export async function countActive(db: Db, table: CountedTable): Promise<number> {
  let q = db.selectFrom(table as 'conversations').select((eb) => eb.fn.countAll<number | string>().as('n'));
  if (table === 'conversations' || table === 'messages' || table === 'feedback') q = q.where('status', '=', 'active');
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Active feedback counted by one of its denormalised columns, largest group first. */
export async function countFeedbackBy(
  db: Db,
  column: keyof Pick<Schema['feedback'], 'kind' | 'community_id' | 'model_id' | 'language'>,
): Promise<{ key: string | null; count: number }[]> {
  const rows = await db
    .selectFrom('feedback')
    .select([sql<string | null>`${sql.ref(column)}`.as('key'), (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('status', '=', 'active')
    .groupBy(column)
    .orderBy('n', 'desc')
    .execute();
  return rows.map((r) => ({ key: r.key, count: Number(r.n) }));
}
