import { AppError } from '../errors.js';
import { findIdempotentResponse, insertIdempotentResponse } from '../store/idempotency-repository.js';
import type { Db } from '../store/store.js';
import { timestamp, type ServiceContext } from './context.js';
import { principalKey, type Principal } from './principal.js';

export interface IdempotencyRequest {
  key: string;
  /** A digest of the request (method, path, body): the same key with another request is an error. */
  requestHash: string;
}

export interface WriteResult<T> {
  body: T;
  /** True when this is the stored answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

/**
 * Runs a write in one transaction; with an Idempotency-Key, stores its response in the same
 * transaction, so a retried request gets the first answer and never writes twice — even if the
 * server died between the write and the response.
 */
export async function idempotentWrite<T>(
  ctx: ServiceContext,
  principal: Principal,
  idem: IdempotencyRequest | undefined,
  write: (trx: Db) => Promise<T>,
): Promise<WriteResult<T>> {
  if (idem === undefined) return { body: await ctx.store.write(write), replayed: false };
  const owner = principalKey(principal);
  const attempt = () =>
    ctx.store.write(async (trx): Promise<WriteResult<T>> => {
      const earlier = await findIdempotentResponse(trx, owner, idem.key);
      if (earlier !== undefined) return replay<T>(earlier, idem);
      const body = await write(trx);
      await insertIdempotentResponse(trx, {
        principal_id: owner,
        key: idem.key,
        request_hash: idem.requestHash,
        status_code: 201,
        response_body: JSON.stringify(body),
        created_at: timestamp(ctx),
      });
      return { body, replayed: false };
    });
  try {
    return await attempt();
  } catch (e) {
    // On PostgreSQL two concurrent requests with one key can both pass the lookup; the primary key
    // lets one commit and the other fail. The loser answers with the winner's response.
    const earlier = await findIdempotentResponse(ctx.store.db, owner, idem.key);
    if (earlier !== undefined) return replay<T>(earlier, idem);
    throw e;
  }
}

function replay<T>(earlier: { request_hash: string; response_body: string }, idem: IdempotencyRequest): WriteResult<T> {
  if (earlier.request_hash !== idem.requestHash) {
    throw new AppError('idempotency_key_reused', 'this Idempotency-Key was used with a different request', 'Idempotency-Key');
  }
  return { body: JSON.parse(earlier.response_body) as T, replayed: true };
}
