import type { Kysely } from 'kysely';

/*
 * The blind arena: each model's weight in its community's draw, the battles (which two models, on
 * which side, the vote and whether it counts) and their turns (the user turn each side answered
 * and the two answers). The answers' messages name no model until voting closes: the battle holds
 * the models meanwhile, so that no read of a conversation can tell them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('models').addColumn('arena_weight', 'double precision', (c) => c.notNull().defaultTo(1)).execute();

  await db.schema
    .createTable('arena_battles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('community_id', 'text', (c) => c.notNull())
    .addColumn('contributor_id', 'text', (c) => c.notNull())
    .addColumn('model_a', 'text', (c) => c.notNull())
    .addColumn('model_b', 'text', (c) => c.notNull())
    .addColumn('model_version_a', 'text')
    .addColumn('model_version_b', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text')
    .addColumn('invalid_reason', 'text')
    .addColumn('feedback_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('voted_at', 'text')
    .execute();
  await db.schema.createIndex('arena_battles_conversation').on('arena_battles').column('conversation_id').execute();
  await db.schema.createIndex('arena_battles_contributor').on('arena_battles').columns(['contributor_id', 'created_at']).execute();
  await db.schema.createIndex('arena_battles_model_a').on('arena_battles').column('model_a').execute();
  await db.schema.createIndex('arena_battles_model_b').on('arena_battles').column('model_b').execute();

  await db.schema
    .createTable('arena_turns')
    .addColumn('battle_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('prompt_a', 'text', (c) => c.notNull())
    .addColumn('prompt_b', 'text', (c) => c.notNull())
    .addColumn('answer_a', 'text')
    .addColumn('answer_b', 'text')
    // Two turns racing to be the battle's next one: the second is refused here.
    .addPrimaryKeyConstraint('arena_turns_pk', ['battle_id', 'position'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('arena_turns').execute();
  await db.schema.dropTable('arena_battles').execute();
  await db.schema.alterTable('models').dropColumn('arena_weight').execute();
}
