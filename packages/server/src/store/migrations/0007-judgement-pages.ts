import type { Kysely } from 'kysely';

/*
 * The leaderboard and the agreement figures read active feedback of one kind a page at a time in
 * id order (judgement-repository.ts). With only feedback_kind (kind, created_at) both databases
 * fetched every event of the kind and sorted it for each page: 100,000 votes took 1 s on SQLite,
 * and the cost grows with the square of the votes. This index hands out each page in order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('feedback_kind_status_id').on('feedback').columns(['kind', 'status', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('feedback_kind_status_id').execute();
}
