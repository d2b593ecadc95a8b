import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { IdempotencyRequest, WriteResult } from '../services/idempotency.js';

/** The optional `Idempotency-Key` header of create routes (IETF draft-ietf-httpapi-idempotency-key-header). */
export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional()
    .describe('Makes a retried POST return the first result instead of creating a duplicate.'),
});

export function idempotencyOf(request: FastifyRequest): IdempotencyRequest | undefined {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return undefined;
  const requestHash = createHash('sha256').update(`${request.method} ${request.routeOptions.url ?? request.url}\n${JSON.stringify(request.params)}\n${JSON.stringify(request.body)}`).digest('hex');
  return { key, requestHash };
}

/** 201 Created, or the stored first answer to a retry, marked as a replay. */
export function sendCreated<T>(reply: FastifyReply, result: WriteResult<T>) {
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  return reply.status(201).send(result.body);
}
