import { createHash, randomBytes, type Hash } from 'node:crypto';
import { readSetting, settleSetting } from '../store/settings-repository.js';
import type { Db } from '../store/store.js';

/**
 * Released records are named by public ids: a keyed hash of the internal id with the pool's own
 * secret (never published). They are stable from release to release, so that a removals file can
 * name what a mirror must delete, yet reveal nothing of the internal ids.
 */
export type RecordKind = 'conversation' | 'message' | 'feedback';

const PREFIX: Record<RecordKind, string> = { conversation: 'c_', message: 'm_', feedback: 'f_' };
const SECRET_KEY = 'public_id_secret';

export async function poolSecret(db: Db): Promise<string> {
  return (await readSetting(db, SECRET_KEY)) ?? settleSetting(db, SECRET_KEY, randomBytes(32).toString('hex'));
}

/**
 * A keyed hash: SHA-256 of the secret, a domain label and the value. The keyed prefix is hashed
 * once and its state copied for each value (a release hashes a few million ids: a fresh HMAC each
 * time cost a third of a release's CPU).
 */
export class KeyedHash {
  private readonly base: Hash;

  constructor(secret: string, domain: string) {
    this.base = createHash('sha256').update(`${secret}\u0000${domain}\u0000`);
  }

  of(value: string, length: number): string {
    return this.base.copy().update(value).digest('base64url').slice(0, length);
  }
}

const hashers = new Map<string, KeyedHash>();

export function publicId(secret: string, kind: RecordKind, id: string): string {
  const key = `${kind}\u0000${secret}`;
  let h = hashers.get(key);
  if (h === undefined) {
    if (hashers.size > 64) hashers.clear();
    hashers.set(key, (h = new KeyedHash(secret, kind)));
  }
  return PREFIX[kind] + h.of(id, 22);
}

/**
 * A contributor's pseudonym in one release: a keyed hash with that release's own secret, so it is
 * the same on every record of the release and unlinkable to the same person in any other release.
 */
export function releasePseudonym(releaseSecret: string, contributorId: string): string {
  return `p_${new KeyedHash(releaseSecret, 'pseudonym').of(contributorId, 16)}`;
}
