import type { Kysely } from 'kysely';

/*
 * Privacy, licences and releases: what scrubbing removed from each record (kinds and counts, never
 * the originals); the licence each record may be released under, resolved from its author's grant
 * and its models' output terms; tombstones that tell mirrors what to remove; takedown reports and
 * their decisions; the audit log; releases; and the pool's own settings (its id-hashing secret).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('pii_removed', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('release_licence', 'text').execute();
  await db.schema.alterTable('messages').addColumn('pii_removed', 'text').execute();
  await db.schema.alterTable('feedback').addColumn('pii_removed', 'text').execute();
  await db.schema.alterTable('feedback').addColumn('release_licence', 'text').execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('tombstones')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('record_kind', 'text', (c) => c.notNull())
    .addColumn('public_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tombstones_created').on('tombstones').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('takedown_reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('reporter_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decision_reason', 'text')
    .execute();
  await db.schema.createIndex('takedown_reports_status').on('takedown_reports').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'id']).execute();

  await db.schema
    .createTable('releases')
    .addColumn('version', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('cutoff', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('previous_version', 'text')
    .addColumn('created_by', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('manifest', 'text')
    .addColumn('error', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['releases', 'audit_log', 'takedown_reports', 'tombstones', 'settings']) await db.schema.dropTable(t).execute();
  await db.schema.alterTable('feedback').dropColumn('release_licence').execute();
  await db.schema.alterTable('feedback').dropColumn('pii_removed').execute();
  await db.schema.alterTable('messages').dropColumn('pii_removed').execute();
  await db.schema.alterTable('conversations').dropColumn('release_licence').execute();
  await db.schema.alterTable('conversations').dropColumn('pii_removed').execute();
}
