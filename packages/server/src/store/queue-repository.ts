import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { selectInChunks } from './id-chunks.js';
import type { ConversationTable, Schema } from './schema.js';
import type { Db } from './store.js';

export interface QueuePick {
  raterId: string;
  communityId: string | undefined;
  /** Base language subtags the rater reads (`pt` for `pt-BR`), lowercase; empty: no preference. */
  languages: readonly string[];
  /** Communities that match the rater's self-reported expertise: their items come first within a language. */
  expertCommunityIds: readonly string[];
  /** Independent third-party raters an item aims for, and more where they disagree. */
  target: QueueTarget;
}

export interface QueueTarget {
  ratings: number;
  extraOnDisagreement: number;
  /** The minority's share of the binary verdicts at which raters disagree (0.3: 1 of 3, 2 of 5). */
  disagreementThreshold: number;
}

type Eb = ExpressionBuilder<Schema, 'conversations'>;
type Tier = (eb: Eb) => Expression<SqlBool>;

/**
 * The pool conversation that most needs a third party's feedback, for this rater: active, someone
 * else's, with an answer to judge, not a gold item (those come by the gold schedule), neither
 * served to them before nor already rated by them.
 *
 * Order: what the rater reads first (conversations in their languages, then of unknown language),
 * and conversations in languages they do not list only when nothing they read is left (without
 * self-reported languages, everything is read). Within each: items below their target of
 * independent third-party raters (`target.ratings`, plus `extraOnDisagreement` when their raters
 * disagree) before items that reached it; within those, their languages before unknown ones,
 * their expertise's communities first, then the fewest third-party raters, the fewest times served
 * to anyone (so that raters arriving together are spread over items), the oldest.
 *
 * Counting raters and servings for every candidate costs probes per conversation (a pool of
 * 20,000 conversations, all rated once: 75 ms on SQLite, 153 ms on PostgreSQL, p50 on this 2-core
 * machine; 45 and 80 ms when it counted feedback events rather than distinct raters and targets). While a group still holds items nobody has rated or been served, the oldest of them
 * is the answer, found by walking the creation-time index to the first one (5 ms on either); the
 * counting query runs only for a group where every item has been rated or served.
 */
export async function findNeediestConversation(db: Db, pick: QueuePick): Promise<ConversationTable | undefined> {
  const tiers = languageTiers(pick.languages);
  // What the rater reads (their languages, then unknown ones) comes first, needed or not; the
  // languages they do not list only once nothing they read is left (prefer, with a fallback).
  const blocks = [tiers.slice(0, 2), tiers.slice(2)].filter((b) => b.length > 0);
  for (const block of blocks) {
    const groups = block.flatMap((language) => expertiseTiers(pick.expertCommunityIds).map((expertise) => (eb: Eb) => eb.and([language(eb), expertise(eb)])));
    for (const group of groups) {
      const untouched = await candidates(db, pick, group)
        .where((eb) => eb.not(eb.exists(thirdPartyFeedback(eb).select('feedback.id'))))
        .where((eb) => eb.not(eb.exists(eb.selectFrom('queue_assignments').select('queue_assignments.contributor_id').whereRef('queue_assignments.conversation_id', '=', 'conversations.id'))))
        .orderBy('conversations.created_at')
        .orderBy('conversations.id')
        .limit(1)
        .executeTakeFirst();
      if (untouched !== undefined) return untouched;
      const below = await neediest(db, pick, group, 'below');
      if (below !== undefined) return below;
    }
    for (const group of groups) {
      const reached = await neediest(db, pick, group, 'reached');
      if (reached !== undefined) return reached;
    }
  }
  return undefined;
}

/** The neediest candidate of a group, among items below their target or among those that reached it. */
async function neediest(db: Db, pick: QueuePick, group: Tier, phase: 'below' | 'reached'): Promise<ConversationTable | undefined> {
  const counted = candidates(db, pick, group).select((eb) => [
    thirdPartyFeedback(eb).select((f) => f.fn.count('feedback.contributor_id').distinct().as('n')).as('queue_raters'),
    targetOf(eb, pick.target).as('queue_target'),
    eb.selectFrom('queue_assignments').select((a) => a.fn.countAll().as('n')).whereRef('queue_assignments.conversation_id', '=', 'conversations.id').as('queue_served'),
  ]);
  // A materialised CTE counts each candidate once: as a plain subquery PostgreSQL inlined the
  // counts into each reference to them (measured: 1.1 s instead of 0.15 s for 20,000 candidates).
  const row = await db
    .with((cte) => cte('q').materialized(), () => counted)
    .selectFrom('q')
    .selectAll('q')
    .where((eb) => eb('q.queue_raters', phase === 'below' ? '<' : '>=', eb.ref('q.queue_target')))
    .orderBy('q.queue_raters')
    .orderBy('q.queue_served')
    .orderBy('q.created_at')
    .orderBy('q.id')
    .limit(1)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { queue_raters: _raters, queue_target: _target, queue_served: _served, ...conversation } = row;
  return conversation as ConversationTable;
}

/**
 * The conversation's target of independent third-party raters, in one aggregate over its feedback:
 * `ratings`, plus `extraOnDisagreement` when the minority of their thumbs-and-ratings verdicts
 * (raters who judged an answer good against those who judged one bad) reaches
 * `disagreementThreshold`. Integer arithmetic only (the share as per mille): a bound decimal would
 * be read as an integer on PostgreSQL.
 */
function targetOf(eb: Eb, target: QueueTarget) {
  const ups = sql`count(distinct case when feedback.kind in ('thumbs', 'rating') and feedback.valence > 0 then feedback.contributor_id end)`;
  const downs = sql`count(distinct case when feedback.kind in ('thumbs', 'rating') and feedback.valence < 0 then feedback.contributor_id end)`;
  const perMille = sql.lit(Math.round(target.disagreementThreshold * 1000));
  const disputed = sql`${ups} + ${downs} > 0 and 1000 * (case when ${ups} < ${downs} then ${ups} else ${downs} end) >= ${perMille} * (${ups} + ${downs})`;
  return thirdPartyFeedback(eb).select(sql<number>`case when ${disputed} then ${sql.lit(target.ratings + target.extraOnDisagreement)} else ${sql.lit(target.ratings)} end`.as('n'));
}

/** The gold conversation to mix in for this rater: one they were not served, in their languages first, the least served first. */
export async function findGoldConversation(db: Db, pick: Omit<QueuePick, 'target' | 'expertCommunityIds'>): Promise<ConversationTable | undefined> {
  for (const tier of languageTiers(pick.languages)) {
    const row = await candidates(db, pick, tier, 'gold')
      .select((eb) => eb.selectFrom('queue_assignments').select((a) => a.fn.countAll().as('n')).whereRef('queue_assignments.conversation_id', '=', 'conversations.id').as('queue_served'))
      .orderBy('queue_served')
      .orderBy('conversations.created_at')
      .orderBy('conversations.id')
      .limit(1)
      .executeTakeFirst();
    if (row !== undefined) {
      const { queue_served: _s, ...conversation } = row;
      return conversation;
    }
  }
  return undefined;
}

/** What the rater may be served at all, in one group: ordinary items, or gold ones. */
function candidates(db: Db, pick: Pick<QueuePick, 'raterId' | 'communityId'>, tier: Tier, kind: 'ordinary' | 'gold' = 'ordinary') {
  let q = db
    .selectFrom('conversations')
    .selectAll('conversations')
    .where('conversations.status', '=', 'active')
    .where('conversations.contributor_id', '<>', pick.raterId)
    .where(tier)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('messages')
          .select('messages.id')
          .whereRef('messages.conversation_id', '=', 'conversations.id')
          .where('messages.role', '=', 'assistant')
          .where('messages.status', '=', 'active'),
      ),
    )
    .where((eb) => {
      const gold = eb.exists(eb.selectFrom('gold_items').select('gold_items.id').whereRef('gold_items.conversation_id', '=', 'conversations.id'));
      return kind === 'gold' ? gold : eb.not(gold);
    })
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('queue_assignments')
            .select('queue_assignments.conversation_id')
            .whereRef('queue_assignments.conversation_id', '=', 'conversations.id')
            .where('queue_assignments.contributor_id', '=', pick.raterId),
        ),
      ),
    )
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('feedback').select('feedback.id').whereRef('feedback.conversation_id', '=', 'conversations.id').where('feedback.contributor_id', '=', pick.raterId))),
    );
  if (pick.communityId !== undefined) q = q.where('conversations.community_id', '=', pick.communityId);
  return q;
}

/** Active feedback of third parties on the conversation at hand. */
function thirdPartyFeedback(eb: Eb) {
  return eb
    .selectFrom('feedback')
    .whereRef('feedback.conversation_id', '=', 'conversations.id')
    .where('feedback.annotator_role', '=', 'third_party')
    .where('feedback.status', '=', 'active');
}

/** The communities of the rater's expertise first, then the rest; one tier when they named none (or none matches). */
function expertiseTiers(communityIds: readonly string[]): Tier[] {
  if (communityIds.length === 0) return [() => sql<SqlBool>`1 = 1`];
  const ids = [...communityIds];
  return [(eb) => eb('conversations.community_id', 'in', ids), (eb) => eb.or([eb('conversations.community_id', 'is', null), eb('conversations.community_id', 'not in', ids)])];
}

/**
 * The rater's languages (base subtags, lowercase), then conversations of unknown language, then the
 * rest; without self-reported languages, one tier of everything.
 */
function languageTiers(languages: readonly string[]): Tier[] {
  if (languages.length === 0) return [() => sql<SqlBool>`1 = 1`];
  const reads = (eb: Eb) => {
    const lower = eb.fn<string>('lower', ['conversations.language']);
    return eb.or(languages.flatMap((base) => [eb(lower, '=', base), eb(lower, 'like', `${base}-%`)]));
  };
  return [
    (eb) => eb.and([eb('conversations.language', 'is not', null), reads(eb)]),
    (eb) => eb('conversations.language', 'is', null),
    (eb) => eb.and([eb('conversations.language', 'is not', null), eb.not(reads(eb))]),
  ];
}

/**
 * Makes one rater's queue requests take turns on PostgreSQL (a lock on their account row until the
 * transaction ends), so that several at once do not all pick the same item. SQLite runs writes one
 * at a time anyway.
 */
export async function lockRater(db: Db, kind: 'sqlite' | 'postgres', raterId: string): Promise<void> {
  if (kind === 'postgres') await db.selectFrom('contributors').select('id').where('id', '=', raterId).forUpdate().execute();
}

/** Records that the conversation was served to the rater; false when it already was (a concurrent request won). */
export async function insertAssignment(db: Db, row: { contributor_id: string; conversation_id: string; served_at: string }): Promise<boolean> {
  const result = await db
    .insertInto('queue_assignments')
    .values(row)
    .onConflict((oc) => oc.columns(['contributor_id', 'conversation_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Which of these conversations were served to the rater by the queue. */
export async function servedConversationIds(db: Db, raterId: string, conversationIds: readonly string[]): Promise<Set<string>> {
  const rows = await selectInChunks(conversationIds, (chunk) =>
    db.selectFrom('queue_assignments').select('conversation_id').where('contributor_id', '=', raterId).where('conversation_id', 'in', chunk).execute(),
  );
  return new Set(rows.map((r) => r.conversation_id));
}

export async function listAssignmentsOf(db: Db, raterId: string) {
  return db.selectFrom('queue_assignments').select(['conversation_id', 'served_at']).where('contributor_id', '=', raterId).orderBy('served_at').orderBy('conversation_id').execute();
}

/** How many items the queue has served this rater so far. */
export async function servedCount(db: Db, raterId: string): Promise<number> {
  const row = await db.selectFrom('queue_assignments').select((eb) => eb.fn.countAll<number | string>().as('n')).where('contributor_id', '=', raterId).executeTakeFirstOrThrow();
  return Number(row.n);
}
