import type { Kysely } from 'kysely';

/*
 * What the contributor's web app needs from the pool: where a model's API key comes from (the name
 * of an environment variable: the database never holds the secret), sign-in through an OpenID
 * Connect provider (one account per issuer and subject), and the rate-the-pool queue (who was
 * served which conversation, so that nobody gets the same item twice and the rater may read it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('models').addColumn('api_key_env', 'text').execute();

  await db.schema
    .createTable('identities')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('contributor_id', 'text', (c) => c.notNull().references('contributors.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('identities_pk', ['issuer', 'subject'])
    .execute();
  await db.schema.createIndex('identities_contributor').on('identities').column('contributor_id').execute();

  await db.schema
    .createTable('queue_assignments')
    .addColumn('contributor_id', 'text', (c) => c.notNull().references('contributors.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('served_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('queue_assignments_pk', ['contributor_id', 'conversation_id'])
    .execute();
  await db.schema.createIndex('queue_assignments_conversation').on('queue_assignments').column('conversation_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('queue_assignments').execute();
  await db.schema.dropTable('identities').execute();
  await db.schema.alterTable('models').dropColumn('api_key_env').execute();
}
