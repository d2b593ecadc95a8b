import { createHmac, randomBytes } from 'node:crypto';
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

export function publicId(secret: string, kind: RecordKind, id: string): string {
  return PREFIX[kind] + createHmac('sha256', secret).update(id).digest('base64url').slice(0, 22);
}

/**
 * A contributor's pseudonym in one release: a keyed hash with that release's own secret, so it is
 * the same on every record of the release and unlinkable to the same person in any other release.
 */
export function releasePseudonym(releaseSecret: string, contributorId: string): string {
  return `p_${createHmac('sha256', releaseSecret).update(contributorId).digest('base64url').slice(0, 16)}`;
}
