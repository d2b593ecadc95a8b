import type { PoolStats } from '@openfeedback/core';
import { countConsentedContributors } from '../store/consent-repository.js';
import { countContributors } from '../store/contributor-repository.js';
import { countActive, countFeedbackBy } from '../store/stats-repository.js';
import type { ServiceContext } from './context.js';

/** The pool in numbers: public, like the pool itself (counts only, nothing about any one person). */
export async function poolStats(ctx: ServiceContext): Promise<PoolStats> {
  const db = ctx.store.db;
  const [contributors, consented, communities, models, conversations, messages, feedback, byKind, byCommunity, byModel, byLanguage] = await Promise.all([
    countContributors(db),
    countConsentedContributors(db),
    countActive(db, 'communities'),
    countActive(db, 'models'),
    countActive(db, 'conversations'),
    countActive(db, 'messages'),
    countActive(db, 'feedback'),
    countFeedbackBy(db, 'kind'),
    countFeedbackBy(db, 'community_id'),
    countFeedbackBy(db, 'model_id'),
    countFeedbackBy(db, 'language'),
  ]);
  return {
    contributors,
    consented_contributors: consented,
    communities,
    models,
    conversations,
    messages,
    feedback,
    feedback_by_kind: byKind,
    feedback_by_community: byCommunity,
    feedback_by_model: byModel,
    feedback_by_language: byLanguage,
  };
}
