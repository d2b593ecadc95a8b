import { z } from 'zod';
import { Id, MAX_MESSAGE_CHARS, Text } from './primitives.js';
import type { Message } from './conversation.js';

/**
 * Asking a model, through the server's gateway. With `record` the turns are stored (consent
 * needed): a new user turn under `parent_id` (null or absent in a new conversation), or, without
 * `content`, another answer to the user turn `parent_id` (a regeneration; `regenerate_of` names the
 * answer it replaces, recorded as implicit negative feedback). Without `record` nothing is stored and
 * `history` carries the turns so far.
 */
export const ChatRequest = z
  .strictObject({
    model_id: Id,
    record: z.boolean().default(true),
    conversation_id: Id.optional(),
    community_id: Id.optional(),
    parent_id: Id.nullable().optional(),
    content: Text.min(1, 'must not be empty').max(MAX_MESSAGE_CHARS).optional(),
    regenerate_of: Id.optional(),
    history: z
      .array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: Text.max(MAX_MESSAGE_CHARS) }))
      .max(200)
      .optional(),
  })
  .refine((r) => r.content !== undefined || (r.record && r.parent_id !== undefined && r.parent_id !== null && r.conversation_id !== undefined), {
    message: 'send content, or regenerate: conversation_id and the parent_id of a user turn',
    path: ['content'],
  })
  .refine((r) => r.record || r.conversation_id === undefined, { message: 'an unrecorded chat has no conversation', path: ['conversation_id'] });
export type ChatRequest = z.infer<typeof ChatRequest>;

/** Server-sent events of `POST /v1/chat`, in order: `turn` (recorded), `token`…, then `done` or `error`. */
export type ChatEvent =
  | { type: 'turn'; conversation_id: string | null; user_message: Message | null }
  | { type: 'token'; text: string }
  | { type: 'done'; message: Message | null; text: string }
  | { type: 'error'; code: ChatFailure; message: string; partial: string };

/** Why an answer did not come: the model is busy, down, slow, cut off, or refused. */
export type ChatFailure = 'model_rate_limited' | 'model_unavailable' | 'model_timeout' | 'model_interrupted' | 'model_rejected';
