import { AppError } from '../errors.js';
import { deleteConversationRows, feedbackGiversOn } from '../store/conversation-repository.js';
import { listApiKeys } from '../store/credential-repository.js';
import { contributionIds, eraseContributorRows } from '../store/erasure-repository.js';
import { findModelsOwnedBy } from '../store/model-repository.js';
import type { Db } from '../store/store.js';
import type { ServiceContext } from './context.js';
import { forgetPoolIndexes } from './pool-model.js';
import { accountPrincipalKey, apiKeyPrincipalKey, type Principal } from './principal.js';
import { layTombstones } from './tombstones.js';

export interface ErasureReport {
  conversations: number;
  messages: number;
  feedback: number;
}

/**
 * "Delete everything": the person's account and all their content leave every table (their
 * conversations with every message and every feedback on them, their feedback elsewhere, consents,
 * sessions, keys, identities, what the queue served them, stored Idempotency-Key replies) and the
 * pool model's search index. Tombstones name the removed records for the next release's removals
 * file. Copies already published in a release cannot be recalled.
 */
export async function eraseMe(ctx: ServiceContext, principal: Principal): Promise<ErasureReport> {
  if (principal.via !== 'session') throw new AppError('forbidden', 'an account is deleted by the person, in a signed-in session');
  const me = principal.contributorId;
  const report = await ctx.store.write(async (trx) => {
    const owned = await findModelsOwnedBy(trx, me);
    if (owned.length > 0) throw new AppError('conflict', `you own ${owned.length} model(s) (${owned.map((m) => m.slug).join(', ')}): hand them to another owner or delete them first`);
    const ids = await contributionIds(trx, me, false);
    await layTombstones(ctx, trx, ids, 'deleted');
    for (const conversation of ids.conversations) await deleteConversationRows(trx, conversation, await principalKeys(trx, [me, ...(await feedbackGiversOn(trx, conversation))]));
    await eraseContributorRows(trx, me, await principalKeys(trx, [me]));
    return { conversations: ids.conversations.length, messages: ids.messages.length, feedback: ids.feedback.length };
  });
  ctx.principals.forgetWhere((p) => p.contributorId === me);
  forgetPoolIndexes(ctx);
  return report;
}

async function principalKeys(trx: Db, people: readonly string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const person of new Set(people)) {
    keys.push(accountPrincipalKey(person));
    for (const key of await listApiKeys(trx, person)) keys.push(apiKeyPrincipalKey(key.id));
  }
  return keys;
}
