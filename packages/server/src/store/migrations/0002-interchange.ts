import type { Kysely } from 'kysely';

/*
 * What imports need to keep faithfully: the source's people (external, pseudonymous contributors
 * that cannot sign in), the name of the model a source says wrote a message (not a registered model),
 * fields of the source the pool has no column for (kept so a re-export reproduces them), and the
 * licence a whole imported conversation comes under.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('contributors').addColumn('source', 'text').execute();
  await db.schema.alterTable('messages').addColumn('model_name', 'text').execute();
  await db.schema.alterTable('messages').addColumn('source_meta', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('licence', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('licence').execute();
  await db.schema.alterTable('messages').dropColumn('source_meta').execute();
  await db.schema.alterTable('messages').dropColumn('model_name').execute();
  await db.schema.alterTable('contributors').dropColumn('source').execute();
}
