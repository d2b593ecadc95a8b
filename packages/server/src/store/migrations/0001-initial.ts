import type { Kysely } from 'kysely';

/*
 * The pool's first schema. Written once for both databases: only text, integer and double precision
 * columns, foreign keys and plain indexes, so the same file runs on SQLite and PostgreSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('contributors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('handle', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text')
    .addColumn('display_name', 'text')
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('demographics', 'text', (c) => c.notNull())
    .addColumn('expertise', 'text', (c) => c.notNull())
    .addColumn('trust', 'double precision', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contributor_id', 'text', (c) => c.notNull().references('contributors.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_contributor').on('sessions').column('contributor_id').execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contributor_id', 'text', (c) => c.notNull().references('contributors.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('api_keys_contributor').on('api_keys').column('contributor_id').execute();

  await db.schema
    .createTable('consents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contributor_id', 'text', (c) => c.notNull().references('contributors.id').onDelete('cascade'))
    .addColumn('terms_version', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text', (c) => c.notNull())
    .addColumn('adult_confirmed', 'integer', (c) => c.notNull())
    .addColumn('licence', 'text', (c) => c.notNull())
    .addColumn('attribution', 'text', (c) => c.notNull())
    .addColumn('attribution_name', 'text')
    .addColumn('withdrawn_at', 'text')
    .execute();
  await db.schema.createIndex('consents_contributor').on('consents').columns(['contributor_id', 'id']).execute();

  await db.schema
    .createTable('communities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('languages', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('guidelines', 'text', (c) => c.notNull())
    .addColumn('rubric', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('models')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('community_id', 'text', (c) => c.notNull().references('communities.id'))
    .addColumn('owner_id', 'text', (c) => c.notNull().references('contributors.id'))
    .addColumn('base_url', 'text')
    .addColumn('model_name', 'text', (c) => c.notNull())
    .addColumn('output_terms', 'text', (c) => c.notNull())
    .addColumn('output_licences', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('model_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull().references('models.id').onDelete('cascade'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('trained_on', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('model_versions_model_version', ['model_id', 'version'])
    .execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('community_id', 'text', (c) => c.references('communities.id'))
    .addColumn('contributor_id', 'text', (c) => c.notNull().references('contributors.id'))
    .addColumn('title', 'text')
    .addColumn('language', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversations_created').on('conversations').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('conversations_contributor').on('conversations').columns(['contributor_id', 'created_at']).execute();
  await db.schema.createIndex('conversations_community').on('conversations').columns(['community_id', 'created_at']).execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('parent_id', 'text', (c) => c.references('messages.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.references('models.id'))
    .addColumn('model_version_id', 'text', (c) => c.references('model_versions.id'))
    .addColumn('contributor_id', 'text', (c) => c.references('contributors.id'))
    .addColumn('language', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('messages_conversation').on('messages').columns(['conversation_id', 'created_at']).execute();
  await db.schema.createIndex('messages_parent').on('messages').column('parent_id').execute();

  await db.schema
    .createTable('feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('contributor_id', 'text', (c) => c.notNull().references('contributors.id'))
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
    .addColumn('message_id', 'text', (c) => c.references('messages.id'))
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('valence', 'double precision')
    .addColumn('annotator_role', 'text', (c) => c.notNull())
    .addColumn('provenance', 'text', (c) => c.notNull())
    .addColumn('methodology_version', 'text', (c) => c.notNull())
    .addColumn('licence', 'text')
    .addColumn('consent_id', 'text', (c) => c.references('consents.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text')
    .addColumn('community_id', 'text')
    .addColumn('language', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Listings are newest first, filtered by one of these; each index ends with the cursor columns.
  await db.schema.createIndex('feedback_created').on('feedback').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('feedback_contributor').on('feedback').columns(['contributor_id', 'created_at']).execute();
  await db.schema.createIndex('feedback_conversation').on('feedback').columns(['conversation_id', 'created_at']).execute();
  await db.schema.createIndex('feedback_model').on('feedback').columns(['model_id', 'created_at']).execute();
  await db.schema.createIndex('feedback_community').on('feedback').columns(['community_id', 'created_at']).execute();
  await db.schema.createIndex('feedback_kind').on('feedback').columns(['kind', 'created_at']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response_body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['principal_id', 'key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['idempotency_keys', 'feedback', 'messages', 'conversations', 'model_versions', 'models', 'communities', 'consents', 'api_keys', 'sessions', 'contributors']) {
    await db.schema.dropTable(table).execute();
  }
}
