import type { ConversationTable, FeedbackTable, MessageTable } from './schema.js';
import { selectInChunks } from './id-chunks.js';
import type { Db } from './store.js';

export interface ConversationScan {
  community_id?: string | undefined;
  language?: string | undefined;
  /** Conversations this person started or gave feedback in. */
  contributor_id?: string | undefined;
  /** A registered model's id or an imported model's name that answered in the conversation. */
  model?: string | undefined;
  /** Conversations started in this range. */
  started?: { since?: string | undefined; until?: string | undefined };
  /** Conversations with feedback of this kind / given in this range. */
  withFeedback?: { kind?: string | undefined; since?: string | undefined; until?: string | undefined };
}

/** Active conversations in (created_at, id) order after `after`, a page at a time: exports walk the whole pool this way. */
export async function scanConversations(db: Db, scan: ConversationScan, after: { created_at: string; id: string } | undefined, limit: number): Promise<ConversationTable[]> {
  let q = db.selectFrom('conversations').selectAll().where('status', '=', 'active');
  if (scan.community_id !== undefined) q = q.where('community_id', '=', scan.community_id);
  if (scan.language !== undefined) q = q.where('language', '=', scan.language);
  const contributor = scan.contributor_id;
  if (contributor !== undefined) {
    q = q.where((eb) =>
      eb.or([
        eb('contributor_id', '=', contributor),
        eb.exists(eb.selectFrom('feedback').select('feedback.id').whereRef('feedback.conversation_id', '=', 'conversations.id').where('feedback.contributor_id', '=', contributor).where('feedback.status', '=', 'active')),
      ]),
    );
  }
  if (scan.started?.since !== undefined) q = q.where('created_at', '>=', scan.started.since);
  if (scan.started?.until !== undefined) q = q.where('created_at', '<', scan.started.until);
  const model = scan.model;
  if (model !== undefined) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('messages')
          .select('messages.id')
          .whereRef('messages.conversation_id', '=', 'conversations.id')
          .where((m) => m.or([m('messages.model_id', '=', model), m('messages.model_name', '=', model)])),
      ),
    );
  }
  const fb = scan.withFeedback;
  if (fb !== undefined) {
    q = q.where((eb) => {
      let sub = eb.selectFrom('feedback').select('feedback.id').whereRef('feedback.conversation_id', '=', 'conversations.id').where('feedback.status', '=', 'active');
      if (fb.kind !== undefined) sub = sub.where('feedback.kind', '=', fb.kind);
      if (fb.since !== undefined) sub = sub.where('feedback.created_at', '>=', fb.since);
      if (fb.until !== undefined) sub = sub.where('feedback.created_at', '<', fb.until);
      return eb.exists(sub);
    });
  }
  if (after !== undefined) {
    q = q.where((eb) => eb.or([eb('created_at', '>', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)])]));
  }
  return q.orderBy('created_at').orderBy('id').limit(limit).execute();
}

export async function activeMessagesOf(db: Db, conversationIds: readonly string[]): Promise<MessageTable[]> {
  return selectInChunks(conversationIds, (chunk) => db.selectFrom('messages').selectAll().where('conversation_id', 'in', chunk).where('status', '=', 'active').orderBy('created_at').orderBy('id').execute());
}

export interface FeedbackSelection {
  kind?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  contributor_id?: string | undefined;
}

export async function activeFeedbackOf(db: Db, conversationIds: readonly string[], only: FeedbackSelection): Promise<FeedbackTable[]> {
  return selectInChunks(conversationIds, (chunk) => {
    let q = db.selectFrom('feedback').selectAll().where('conversation_id', 'in', chunk).where('status', '=', 'active');
    if (only.contributor_id !== undefined) q = q.where('contributor_id', '=', only.contributor_id);
    if (only.kind !== undefined) q = q.where('kind', '=', only.kind);
    if (only.since !== undefined) q = q.where('created_at', '>=', only.since);
    if (only.until !== undefined) q = q.where('created_at', '<', only.until);
    return q.orderBy('created_at').orderBy('id').execute();
  });
}
