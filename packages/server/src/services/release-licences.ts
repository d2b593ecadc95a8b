import { resolveReleaseLicence } from '@openfeedback/core';
import { conversationsBattledBy, conversationsWithModel, conversationTerms, feedbackLicencesIn, setConversationReleaseLicence, setFeedbackReleaseLicence } from '../store/licence-repository.js';
import type { Db } from '../store/store.js';

/**
 * Re-resolves the release licence of conversations (from their author's grant or source licence and
 * the output terms of every model that answered in them) and of the feedback on them (its own grant
 * and its conversation's licence). Runs inside the write that changed them.
 */
export async function refreshReleaseLicences(db: Db, conversationIds: readonly string[]): Promise<void> {
  if (conversationIds.length === 0) return;
  const resolved = new Map<string, string | null>();
  for (const c of await conversationTerms(db, conversationIds)) {
    const licence = resolveReleaseLicence({ grants: [c.licence], modelTerms: c.modelTerms });
    resolved.set(c.id, licence);
    await setConversationReleaseLicence(db, c.id, licence);
  }
  const updates = new Map<string | null, string[]>();
  for (const f of await feedbackLicencesIn(db, conversationIds)) {
    const licence = feedbackReleaseLicence(f.licence, resolved.get(f.conversation_id) ?? null);
    if (licence === f.release_licence) continue;
    updates.set(licence, [...(updates.get(licence) ?? []), f.id]);
  }
  for (const [licence, ids] of updates) await setFeedbackReleaseLicence(db, ids, licence);
}

/** A feedback event is released with its conversation: it must honour both grants. */
export function feedbackReleaseLicence(granted: string | null, conversationReleaseLicence: string | null): string | null {
  if (conversationReleaseLicence === null) return null;
  return resolveReleaseLicence({ grants: [granted, conversationReleaseLicence], modelTerms: [] });
}

/** After a model's output terms change: every conversation it answered in (arena battles included), a page at a time. */
export async function refreshModelReleaseLicences(db: Db, modelId: string): Promise<void> {
  for (const conversations of [conversationsWithModel, conversationsBattledBy]) {
    let after: string | null = null;
    for (;;) {
      const ids = await conversations(db, modelId, after, 500);
      if (ids.length === 0) break;
      await refreshReleaseLicences(db, ids);
      after = ids.at(-1)!;
    }
  }
}
