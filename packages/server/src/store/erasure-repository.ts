import type { Db } from './store.js';

export interface ContributionIds {
  conversations: string[];
  /** Messages of their conversations (the model's answers included) and any they wrote elsewhere. */
  messages: string[];
  /** Their feedback anywhere, and everyone's feedback on their conversations. */
  feedback: string[];
}

/** The records that are a person's contribution; with `activeOnly`, those still in the pool. */
export async function contributionIds(db: Db, contributorId: string, activeOnly: boolean): Promise<ContributionIds> {
  const theirs = db.selectFrom('conversations').select('id').where('contributor_id', '=', contributorId);
  let conversations = db.selectFrom('conversations').select('id').where('contributor_id', '=', contributorId);
  let messages = db.selectFrom('messages').select('id').where((eb) => eb.or([eb('contributor_id', '=', contributorId), eb('conversation_id', 'in', theirs)]));
  let feedback = db.selectFrom('feedback').select('id').where((eb) => eb.or([eb('contributor_id', '=', contributorId), eb('conversation_id', 'in', theirs)]));
  if (activeOnly) {
    conversations = conversations.where('status', '=', 'active');
    messages = messages.where('status', '=', 'active');
    feedback = feedback.where('status', '=', 'active');
  }
  const [c, m, f] = await Promise.all([conversations.execute(), messages.execute(), feedback.execute()]);
  return { conversations: c.map((r) => r.id), messages: m.map((r) => r.id), feedback: f.map((r) => r.id) };
}

/**
 * Removes the person and everything of theirs that is not a conversation (their conversations go
 * through deleteConversationRows first): feedback they gave elsewhere, what the queue served them,
 * sessions, API keys, sign-in identities, consents, their stored Idempotency-Key replies, and their
 * name on takedown reports they filed.
 */
export async function eraseContributorRows(db: Db, contributorId: string, principalIds: readonly string[]): Promise<void> {
  await db.deleteFrom('feedback').where('contributor_id', '=', contributorId).execute();
  await db.deleteFrom('queue_assignments').where('contributor_id', '=', contributorId).execute();
  if (principalIds.length > 0) await db.deleteFrom('idempotency_keys').where('principal_id', 'in', [...principalIds]).execute();
  await db.deleteFrom('sessions').where('contributor_id', '=', contributorId).execute();
  await db.deleteFrom('api_keys').where('contributor_id', '=', contributorId).execute();
  await db.deleteFrom('identities').where('contributor_id', '=', contributorId).execute();
  await db.deleteFrom('consents').where('contributor_id', '=', contributorId).execute();
  await db.updateTable('takedown_reports').set({ reporter_id: null }).where('reporter_id', '=', contributorId).execute();
  await db.deleteFrom('contributors').where('id', '=', contributorId).execute();
}
