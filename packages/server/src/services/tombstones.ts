import type { ContributionIds } from '../store/erasure-repository.js';
import { insertTombstones } from '../store/tombstone-repository.js';
import type { Db } from '../store/store.js';
import { timestamp, type ServiceContext } from './context.js';
import { poolSecret, publicId, type RecordKind } from './public-ids.js';

export type TombstoneReason = 'withdrawn' | 'deleted' | 'takedown';

/**
 * Records that left the pool, by public id: the next release lists them in its removals file so
 * that mirrors of earlier releases can delete them too. Laid in the same transaction as the removal.
 */
export async function layTombstones(ctx: ServiceContext, trx: Db, records: Partial<ContributionIds>, reason: TombstoneReason): Promise<number> {
  const secret = await poolSecret(trx);
  const at = timestamp(ctx);
  const rows = (
    [
      ['conversation', records.conversations ?? []],
      ['message', records.messages ?? []],
      ['feedback', records.feedback ?? []],
    ] as const
  ).flatMap(([kind, ids]: readonly [RecordKind, readonly string[]]) =>
    ids.map((id) => ({ id: ctx.newId(), record_kind: kind, public_id: publicId(secret, kind, id), reason, created_at: at })),
  );
  await insertTombstones(trx, rows);
  return rows.length;
}
