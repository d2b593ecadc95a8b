import { confirmCandidates, decodeSignature, encodeSignature, isComparableText, lshBandKeys, minhashSignature } from '@openfeedback/core';
import { activeFingerprints, insertFingerprints, sharedBuckets, unfingerprintedPrompts } from '../store/prompt-repository.js';
import type { PromptBandTable, PromptFingerprintTable } from '../store/schema.js';
import type { Db } from '../store/store.js';
import type { ServiceContext } from './context.js';

const BATCH = 2000;

/**
 * Fingerprints the user prompts written since the last pass (MinHash signature and LSH band keys,
 * see core's minhash.ts), a batch per transaction. Prompts too short to compare get an empty
 * signature and no bands, so that they are not read again. Returns how many were fingerprinted.
 */
export async function fingerprintNewPrompts(ctx: ServiceContext): Promise<number> {
  let total = 0;
  for (;;) {
    const prompts = await unfingerprintedPrompts(ctx.store.db, BATCH);
    if (prompts.length === 0) return total;
    const prints: PromptFingerprintTable[] = [];
    const bands: PromptBandTable[] = [];
    for (const p of prompts) {
      const comparable = isComparableText(p.content);
      const signature = comparable ? minhashSignature(p.content) : null;
      prints.push({ message_id: p.message_id, conversation_id: p.conversation_id, contributor_id: p.contributor_id, signature: signature === null ? '' : encodeSignature(signature), created_at: p.created_at });
      if (signature !== null) for (const band_key of lshBandKeys(signature)) bands.push({ band_key, message_id: p.message_id });
    }
    await ctx.store.write((trx) => insertFingerprints(trx, prints, bands));
    total += prompts.length;
    if (prompts.length < BATCH) return total;
  }
}

export interface AccountDuplicates {
  /** Their prompts near-identical to a prompt of another account. */
  crossPrompts: Set<string>;
  otherAccounts: Set<string>;
  /** Their prompts near-identical to another prompt of their own, in another conversation. */
  repeatedPrompts: Set<string>;
  /** The conversations of those prompts (theirs). */
  conversations: Set<string>;
}

/**
 * Near-duplicate prompts among active conversations, by account: pairs of prompts that share an
 * LSH bucket and whose signatures agree enough (NEAR_DUPLICATE_JACCARD). Two turns of one
 * conversation are not counted (people rephrase their own question).
 */
export async function findDuplicatePrompts(db: Db): Promise<Map<string, AccountDuplicates>> {
  const buckets = await sharedBuckets(db);
  const prints = new Map((await activeFingerprints(db, [...new Set(buckets.flat())])).map((p) => [p.message_id, p] as const));
  const signatures = new Map<string, Uint32Array>();
  const signatureOf = (id: string) => {
    const p = prints.get(id);
    if (p === undefined || p.signature === '') return undefined;
    let sig = signatures.get(id);
    if (sig === undefined) signatures.set(id, (sig = decodeSignature(p.signature)));
    return sig;
  };
  const out = new Map<string, AccountDuplicates>();
  const of = (account: string) => {
    let d = out.get(account);
    if (d === undefined) out.set(account, (d = { crossPrompts: new Set(), otherAccounts: new Set(), repeatedPrompts: new Set(), conversations: new Set() }));
    return d;
  };
  for (const pair of confirmCandidates(buckets, signatureOf)) {
    const a = prints.get(pair.a)!;
    const b = prints.get(pair.b)!;
    if (a.conversation_id === b.conversation_id) continue;
    if (a.contributor_id === b.contributor_id) {
      const d = of(a.contributor_id);
      d.repeatedPrompts.add(a.message_id).add(b.message_id);
      d.conversations.add(a.conversation_id).add(b.conversation_id);
      continue;
    }
    for (const [mine, theirs] of [[a, b], [b, a]] as const) {
      const d = of(mine.contributor_id);
      d.crossPrompts.add(mine.message_id);
      d.otherAccounts.add(theirs.contributor_id);
      d.conversations.add(mine.conversation_id);
    }
  }
  return out;
}
