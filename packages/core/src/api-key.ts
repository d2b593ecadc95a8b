import { z } from 'zod';
import { Id, Timestamp } from './primitives.js';

/**
 * What a program holding a key may do. A key never does more than its owner's roles allow:
 * `models:write` needs a trainer or admin, `admin` an admin.
 */
export const ApiKeyScope = z.enum(['read', 'conversations:write', 'feedback:write', 'ingest', 'models:write', 'admin']);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const ApiKeyInput = z.strictObject({
  name: z.string().min(1).max(80),
  scopes: z.array(ApiKeyScope).min(1).max(ApiKeyScope.options.length),
});
export type ApiKeyInput = z.infer<typeof ApiKeyInput>;

export const ApiKey = z.object({
  id: Id,
  name: z.string(),
  scopes: z.array(ApiKeyScope),
  created_at: Timestamp,
  revoked_at: Timestamp.nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;

/** Returned once, at creation: the secret is not stored and cannot be shown again. */
export const CreatedApiKey = ApiKey.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;
