import { selectInChunks } from './id-chunks.js';
import type { PromptBandTable, PromptFingerprintTable } from './schema.js';
import type { Db } from './store.js';

export interface PromptRow {
  message_id: string;
  conversation_id: string;
  contributor_id: string;
  content: string;
  created_at: string;
}

/**
 * User turns not fingerprinted yet, oldest first, of active conversations by people of this server
 * (imported datasets repeat prompts by design). The author is the conversation's.
 */
export async function unfingerprintedPrompts(db: Db, limit: number): Promise<PromptRow[]> {
  return db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .innerJoin('contributors', 'contributors.id', 'conversations.contributor_id')
    .select(['messages.id as message_id', 'messages.conversation_id', 'conversations.contributor_id', 'messages.content', 'messages.created_at'])
    .where('messages.role', '=', 'user')
    .where('messages.status', '=', 'active')
    .where('conversations.status', '=', 'active')
    .where('contributors.source', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('prompt_fingerprints').select('prompt_fingerprints.message_id').whereRef('prompt_fingerprints.message_id', '=', 'messages.id'))))
    .orderBy('messages.created_at')
    .orderBy('messages.id')
    .limit(limit)
    .execute();
}

export async function insertFingerprints(db: Db, prints: readonly PromptFingerprintTable[], bands: readonly PromptBandTable[]): Promise<void> {
  for (let i = 0; i < prints.length; i += 500) await db.insertInto('prompt_fingerprints').values(prints.slice(i, i + 500)).onConflict((oc) => oc.column('message_id').doNothing()).execute();
  for (let i = 0; i < bands.length; i += 1000) await db.insertInto('prompt_bands').values(bands.slice(i, i + 1000)).onConflict((oc) => oc.columns(['band_key', 'message_id']).doNothing()).execute();
}

/** LSH buckets holding more than one prompt, as lists of message ids. */
export async function sharedBuckets(db: Db): Promise<string[][]> {
  const rows = await db
    .selectFrom('prompt_bands')
    .select(['band_key', 'message_id'])
    .where('band_key', 'in', (eb) => eb.selectFrom('prompt_bands').select('band_key').groupBy('band_key').having((h) => h.fn.countAll(), '>', 1))
    .orderBy('band_key')
    .execute();
  const buckets = new Map<string, string[]>();
  for (const r of rows) buckets.set(r.band_key, [...(buckets.get(r.band_key) ?? []), r.message_id]);
  return [...buckets.values()];
}

/** The fingerprints of these prompts, still active (a removed or withdrawn prompt no longer counts). */
export async function activeFingerprints(db: Db, messageIds: readonly string[]): Promise<PromptFingerprintTable[]> {
  return selectInChunks(messageIds, (chunk) =>
    db
      .selectFrom('prompt_fingerprints')
      .innerJoin('messages', 'messages.id', 'prompt_fingerprints.message_id')
      .innerJoin('conversations', 'conversations.id', 'prompt_fingerprints.conversation_id')
      .selectAll('prompt_fingerprints')
      .where('prompt_fingerprints.message_id', 'in', chunk)
      .where('messages.status', '=', 'active')
      .where('conversations.status', '=', 'active')
      .execute(),
  );
}
