import type { GoldItemTable } from './schema.js';
import type { Db } from './store.js';

export async function insertGoldItem(db: Db, row: GoldItemTable): Promise<void> {
  await db.insertInto('gold_items').values(row).execute();
}

export async function findGoldItemByMessage(db: Db, messageId: string): Promise<GoldItemTable | undefined> {
  return db.selectFrom('gold_items').selectAll().where('message_id', '=', messageId).executeTakeFirst();
}

/** Newest first, a page at a time after (created_at, id). */
export async function listGoldItems(db: Db, before: { created_at: string; id: string } | undefined, limit: number): Promise<GoldItemTable[]> {
  let q = db.selectFrom('gold_items').selectAll();
  if (before !== undefined) q = q.where((eb) => eb.or([eb('created_at', '<', before.created_at), eb.and([eb('created_at', '=', before.created_at), eb('id', '<', before.id)])]));
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Every gold item (the quality pass scores the answers on them). */
export async function allGoldItems(db: Db): Promise<GoldItemTable[]> {
  return db.selectFrom('gold_items').selectAll().orderBy('id').execute();
}

/** How many answers each gold item has had, and by how many people (for the moderators' list). */
export async function goldAnswerCounts(db: Db, messageIds: readonly string[]): Promise<Map<string, number>> {
  if (messageIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('feedback')
    .select(['message_id', (eb) => eb.fn.count<number | string>('contributor_id').distinct().as('n')])
    .where('message_id', 'in', [...messageIds])
    .where('status', '=', 'active')
    .where('kind', 'in', ['thumbs', 'rating'])
    .groupBy('message_id')
    .execute();
  return new Map(rows.map((r) => [r.message_id!, Number(r.n)] as const));
}
