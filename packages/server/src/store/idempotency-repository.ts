import type { Db } from './store.js';
import type { IdempotencyTable } from './schema.js';

export async function findIdempotentResponse(db: Db, principalId: string, key: string): Promise<IdempotencyTable | undefined> {
  return db.selectFrom('idempotency_keys').selectAll().where('principal_id', '=', principalId).where('key', '=', key).executeTakeFirst();
}

export async function insertIdempotentResponse(db: Db, row: IdempotencyTable): Promise<void> {
  await db.insertInto('idempotency_keys').values(row).execute();
}
