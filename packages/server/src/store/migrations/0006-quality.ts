import type { Kysely } from 'kysely';

/*
 * Quality control: gold items (answers with a known verdict, mixed into the queue), each
 * contributor's quality figures (gold accuracy, agreement with consensus, the trust they give, the
 * signals of the suspicious-accounts board, a moderator's restriction), MinHash fingerprints of
 * user prompts with their LSH band keys (near-duplicate search), and the moderation queue. Rows that
 * describe a person or their content go with them (foreign keys cascade on erasure).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('gold_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.notNull().unique().references('messages.id').onDelete('cascade'))
    .addColumn('expected', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gold_items_conversation').on('gold_items').column('conversation_id').execute();

  await db.schema
    .createTable('contributor_quality')
    .addColumn('contributor_id', 'text', (c) => c.primaryKey().references('contributors.id').onDelete('cascade'))
    .addColumn('trust', 'double precision', (c) => c.notNull())
    .addColumn('gold_answers', 'integer', (c) => c.notNull())
    .addColumn('gold_correct', 'integer', (c) => c.notNull())
    .addColumn('consensus_votes', 'integer', (c) => c.notNull())
    .addColumn('consensus_agreements', 'integer', (c) => c.notNull())
    .addColumn('votes_up', 'integer', (c) => c.notNull())
    .addColumn('votes_down', 'integer', (c) => c.notNull())
    .addColumn('agreement_p', 'double precision')
    .addColumn('cross_account_duplicates', 'integer', (c) => c.notNull())
    .addColumn('duplicate_accounts', 'integer', (c) => c.notNull())
    .addColumn('repeated_prompts', 'integer', (c) => c.notNull())
    .addColumn('flags_received', 'integer', (c) => c.notNull())
    .addColumn('suspicion', 'double precision', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text')
    .addColumn('restricted_at', 'text')
    .addColumn('restricted_reason', 'text')
    .execute();
  await db.schema.createIndex('contributor_quality_suspicion').on('contributor_quality').columns(['suspicion', 'contributor_id']).execute();

  await db.schema
    .createTable('prompt_fingerprints')
    .addColumn('message_id', 'text', (c) => c.primaryKey().references('messages.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('contributor_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('prompt_fingerprints_contributor').on('prompt_fingerprints').column('contributor_id').execute();

  await db.schema
    .createTable('prompt_bands')
    .addColumn('band_key', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().references('prompt_fingerprints.message_id').onDelete('cascade'))
    .addPrimaryKeyConstraint('prompt_bands_pk', ['band_key', 'message_id'])
    .execute();
  await db.schema.createIndex('prompt_bands_message').on('prompt_bands').column('message_id').execute();

  await db.schema
    .createTable('moderation_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // One item per signal and subject, ever: a decided item is not raised again by the next pass.
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('subject', 'text', (c) => c.notNull()) // conversation | account
    .addColumn('signal', 'text', (c) => c.notNull())
    .addColumn('contributor_id', 'text', (c) => c.references('contributors.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.references('conversations.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.references('messages.id').onDelete('cascade'))
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // open | dismissed | removed | restricted
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decision_reason', 'text')
    .execute();
  await db.schema.createIndex('moderation_items_status').on('moderation_items').columns(['status', 'created_at', 'id']).execute();
  await db.schema.createIndex('moderation_items_contributor').on('moderation_items').column('contributor_id').execute();
  await db.schema.createIndex('moderation_items_conversation').on('moderation_items').column('conversation_id').execute();
  await db.schema.createIndex('moderation_items_message').on('moderation_items').column('message_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['moderation_items', 'prompt_bands', 'prompt_fingerprints', 'contributor_quality', 'gold_items']) await db.schema.dropTable(t).execute();
}
