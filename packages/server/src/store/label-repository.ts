import { selectInChunks } from './id-chunks.js';
import type { FeedbackTable } from './schema.js';
import type { Db } from './store.js';

/** A thumbs or rating event with what its rater's vote weighs on: their trust and whether a moderator restricted them. */
export type RatedJudgement = FeedbackTable & { rater_trust: number; rater_restricted_at: string | null };

/**
 * Active thumbs and ratings on answers of these conversations, by everyone (imported datasets'
 * people too), with each rater's trust and restriction: what aggregated labels are made of.
 */
export async function judgementsOn(db: Db, conversationIds: readonly string[]): Promise<RatedJudgement[]> {
  return selectInChunks(conversationIds, (chunk) =>
    db
      .selectFrom('feedback')
      .innerJoin('contributors', 'contributors.id', 'feedback.contributor_id')
      .leftJoin('contributor_quality', 'contributor_quality.contributor_id', 'feedback.contributor_id')
      .selectAll('feedback')
      .select(['contributors.trust as rater_trust', 'contributor_quality.restricted_at as rater_restricted_at'])
      .where('feedback.conversation_id', 'in', chunk)
      .where('feedback.kind', 'in', ['thumbs', 'rating'])
      .where('feedback.status', '=', 'active')
      .where('feedback.message_id', 'is not', null)
      .execute(),
  );
}

/** The trust and restriction of each of these people. */
export async function ratersOf(db: Db, contributorIds: readonly string[]): Promise<{ id: string; trust: number; restricted_at: string | null }[]> {
  return selectInChunks(contributorIds, (chunk) =>
    db
      .selectFrom('contributors')
      .leftJoin('contributor_quality', 'contributor_quality.contributor_id', 'contributors.id')
      .select(['contributors.id', 'contributors.trust', 'contributor_quality.restricted_at'])
      .where('contributors.id', 'in', chunk)
      .execute(),
  );
}
