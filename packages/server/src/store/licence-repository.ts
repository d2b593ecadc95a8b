import type { Db } from './store.js';
import { selectInChunks } from './id-chunks.js';
import { parseJson } from './json-column.js';

export interface ConversationTerms {
  id: string;
  licence: string | null;
  /** The output licences of each registered model that answered in it. */
  modelTerms: string[][];
}

/** What the release licence of each conversation is resolved from. */
export async function conversationTerms(db: Db, conversationIds: readonly string[]): Promise<ConversationTerms[]> {
  const conversations = await selectInChunks(conversationIds, (chunk) => db.selectFrom('conversations').select(['id', 'licence']).where('id', 'in', chunk).execute());
  const models = await selectInChunks(conversationIds, (chunk) =>
    db
      .selectFrom('messages')
      .innerJoin('models', 'models.id', 'messages.model_id')
      .select(['messages.conversation_id', 'models.id', 'models.output_licences'])
      .distinct()
      .where('messages.conversation_id', 'in', chunk)
      .execute(),
  );
  // The two models of an arena battle answer without their names on the messages until the vote:
  // their terms count from the first answer.
  const battling = await selectInChunks(conversationIds, (chunk) =>
    db
      .selectFrom('arena_battles')
      .innerJoin('models', (join) => join.on((eb) => eb.or([eb('models.id', '=', eb.ref('arena_battles.model_a')), eb('models.id', '=', eb.ref('arena_battles.model_b'))])))
      .select(['arena_battles.conversation_id', 'models.id', 'models.output_licences'])
      .distinct()
      .where('arena_battles.conversation_id', 'in', chunk)
      .execute(),
  );
  const byConversation = new Map<string, string[][]>();
  const counted = new Set(models.map((m) => `${m.conversation_id} ${m.id}`));
  for (const m of [...models, ...battling.filter((b) => !counted.has(`${b.conversation_id} ${b.id}`))]) {
    const list = byConversation.get(m.conversation_id) ?? [];
    list.push(parseJson<string[]>(m.output_licences));
    byConversation.set(m.conversation_id, list);
  }
  return conversations.map((c) => ({ id: c.id, licence: c.licence, modelTerms: byConversation.get(c.id) ?? [] }));
}

export async function setConversationReleaseLicence(db: Db, id: string, licence: string | null): Promise<void> {
  await db.updateTable('conversations').set({ release_licence: licence }).where('id', '=', id).execute();
}

export async function feedbackLicencesIn(db: Db, conversationIds: readonly string[]): Promise<{ id: string; conversation_id: string; licence: string | null; release_licence: string | null }[]> {
  return selectInChunks(conversationIds, (chunk) => db.selectFrom('feedback').select(['id', 'conversation_id', 'licence', 'release_licence']).where('conversation_id', 'in', chunk).execute());
}

export async function setFeedbackReleaseLicence(db: Db, ids: readonly string[], licence: string | null): Promise<void> {
  if (ids.length === 0) return;
  await selectInChunks(ids, async (chunk) => {
    await db.updateTable('feedback').set({ release_licence: licence }).where('id', 'in', chunk).execute();
    return [];
  });
}

/** Conversations in which a model answered, a page at a time (for re-resolving after its terms change). */
export async function conversationsWithModel(db: Db, modelId: string, after: string | null, limit: number): Promise<string[]> {
  let q = db.selectFrom('messages').select('conversation_id').distinct().where('model_id', '=', modelId);
  if (after !== null) q = q.where('conversation_id', '>', after);
  return (await q.orderBy('conversation_id').limit(limit).execute()).map((r) => r.conversation_id);
}

/** Conversations of arena battles the model took part in (its answers there may not name it yet), a page at a time. */
export async function conversationsBattledBy(db: Db, modelId: string, after: string | null, limit: number): Promise<string[]> {
  let q = db.selectFrom('arena_battles').select('conversation_id').distinct().where((eb) => eb.or([eb('model_a', '=', modelId), eb('model_b', '=', modelId)]));
  if (after !== null) q = q.where('conversation_id', '>', after);
  return (await q.orderBy('conversation_id').limit(limit).execute()).map((r) => r.conversation_id);
}
