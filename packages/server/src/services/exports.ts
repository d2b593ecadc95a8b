import { orderTree, type ExportBundle, type ExportFilter, type ExportMessage, type ExportView, type ViewOptions } from '@openfeedback/core';
import { toConversation, toMessage } from '../store/conversation-repository.js';
import { activeFeedbackOf, activeMessagesOf, scanConversations, type ConversationScan } from '../store/export-repository.js';
import { toFeedback } from '../store/feedback-repository.js';
import { findModel } from '../store/model-repository.js';
import type { ServiceContext } from './context.js';
import { utcRange } from './listing.js';
import { requireScope, type Principal } from './principal.js';
import { authorScope, readsWholePool } from './visibility.js';
import { labelsOfConversations } from './answer-labels.js';
import { groupBy } from '../util/group-by.js';

/** Views whose rows start from conversations rather than from feedback: the time range selects when they started. */
const CONVERSATION_VIEWS = new Set(['conversations', 'oasst']);
const CONVERSATIONS_PER_PAGE = 500;
/** Views with aggregated-label columns (the others need no labels read). */
const LABELLED_VIEWS = new Set(['conversations', 'feedback']);

/**
 * The rows of a view over the pool, as a stream: conversations are read a page at a time with their
 * messages and active feedback, and each becomes rows, so memory stays flat however large the pool.
 * Callers see what listings show them: their own contributions, or the whole pool for reviewers,
 * moderators and admins, or everything on a model they own when they filter by it. The views'
 * aggregated labels (trust-weighted, over every rater of an answer, whatever the filter) are filled
 * for those who may read labels (the pool's readers, like GET /v1/conversations/{id}/labels);
 * for others the label columns are null, so that nobody learns the consensus before rating.
 */
export async function* exportRows(ctx: ServiceContext, principal: Principal, view: ExportView, filter: ExportFilter, options: ViewOptions): AsyncGenerator<Record<string, unknown>> {
  requireScope(principal, 'read');
  const range = utcRange(filter);
  const ownsModel = filter.model !== undefined && (await findModel(ctx.store.db, filter.model))?.owner_id === principal.contributorId;
  const byConversation = CONVERSATION_VIEWS.has(view.name);
  const withLabels = LABELLED_VIEWS.has(view.name) && readsWholePool(principal);
  // "Contributions of a person": the conversations they started or gave feedback in, and only their feedback.
  const contributor = ownsModel ? filter.contributor_id : authorScope(principal, filter.contributor_id);
  const feedbackOnly = { kind: filter.kind, since: byConversation ? undefined : range.since, until: byConversation ? undefined : range.until, contributor_id: contributor };
  const scan: ConversationScan = {
    community_id: filter.community_id,
    language: filter.language,
    contributor_id: contributor,
    model: filter.model,
    ...(byConversation ? { started: range } : filter.kind !== undefined || range.since !== undefined || range.until !== undefined ? { withFeedback: feedbackOnly } : {}),
  };
  let after: { created_at: string; id: string } | undefined;
  for (;;) {
    const page = await scanConversations(ctx.store.db, scan, after, CONVERSATIONS_PER_PAGE);
    if (page.length === 0) return;
    after = page.at(-1);
    const ids = page.map((c) => c.id);
    const [messages, feedback, labels] = await Promise.all([
      activeMessagesOf(ctx.store.db, ids),
      activeFeedbackOf(ctx.store.db, ids, feedbackOnly),
      withLabels ? labelsOfConversations(ctx.store.db, ids) : undefined,
    ]);
    const messagesBy = groupBy(messages, (m) => m.conversation_id);
    const feedbackBy = groupBy(feedback, (f) => f.conversation_id);
    for (const c of page) {
      const bundle: ExportBundle = {
        conversation: toConversation(c),
        messages: treeOrder((messagesBy.get(c.id) ?? []).map((m) => Object.assign(toMessage(m), { source_meta: m.source_meta === null ? null : (JSON.parse(m.source_meta) as Record<string, unknown>) }))),
        feedback: (feedbackBy.get(c.id) ?? []).map(toFeedback),
        labels: labels === undefined ? undefined : (labels.get(c.id) ?? new Map()),
      };
      yield* view.rows(bundle, options);
    }
  }
}


/** Parents before children (the order views walk); a damaged tree keeps its stored order. */
function treeOrder(messages: ExportMessage[]): ExportMessage[] {
  const ordered = orderTree(messages);
  return ordered.ok ? ordered.ordered : messages;
}
