import { z } from 'zod';
import { Id, LanguageTag, MAX_MESSAGE_CHARS, Text, Timestamp } from './primitives.js';

export const MessageRole = z.enum(['system', 'user', 'assistant']);
export type MessageRole = z.infer<typeof MessageRole>;

export const RecordStatus = z.enum(['active', 'withdrawn', 'removed']);
export type RecordStatus = z.infer<typeof RecordStatus>;

/** A new message. `parent_id` null starts the tree; a parent that already has children makes a branch. */
export const MessageInput = z.strictObject({
  /** Client-chosen id (bulk ingest and imports keep their own ids); the server makes one otherwise. */
  id: Id.optional(),
  parent_id: Id.nullable().optional(),
  role: MessageRole,
  content: Text.min(1, 'must not be empty').max(MAX_MESSAGE_CHARS),
  model_id: Id.optional(),
  model_version_id: Id.optional(),
  language: LanguageTag.optional(),
});
export type MessageInput = z.infer<typeof MessageInput>;

export const Message = z.object({
  id: Id,
  conversation_id: Id,
  parent_id: Id.nullable(),
  role: MessageRole,
  content: z.string(),
  model_id: Id.nullable(),
  model_version_id: Id.nullable(),
  /** The model that wrote it as an imported source names it, when that is not a registered model. */
  model_name: z.string().nullable(),
  contributor_id: Id.nullable(),
  language: z.string().nullable(),
  status: RecordStatus,
  created_at: Timestamp,
  /** What the privacy gate removed before it was stored, by kind (e.g. `{ "email": 1 }`); absent when nothing. */
  pii_removed: z.record(z.string(), z.int()).optional(),
});
export type Message = z.infer<typeof Message>;

export const ConversationInput = z.strictObject({
  id: Id.optional(),
  community_id: Id.optional(),
  title: Text.max(200).optional(),
  language: LanguageTag.optional(),
  /** Messages in order; a message without `parent_id` continues from the one before it. */
  messages: z.array(MessageInput).max(1000).default([]),
});
export type ConversationInput = z.infer<typeof ConversationInput>;

export const Conversation = z.object({
  id: Id,
  community_id: Id.nullable(),
  contributor_id: Id,
  title: z.string().nullable(),
  language: z.string().nullable(),
  /** Where it came from: `openfeedback` for conversations held here, else the imported dataset. */
  source: z.string(),
  /** The licence its author granted (their consent's, when it was started), or an imported conversation's dataset licence. */
  licence: z.string().nullable(),
  /** The licence it may be released under: its grant and the output terms of every model in it; null: unresolved (never released). */
  release_licence: z.string().nullable().optional(),
  status: RecordStatus,
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Conversation = z.infer<typeof Conversation>;

export const ConversationWithMessages = Conversation.extend({ messages: z.array(Message) });
export type ConversationWithMessages = z.infer<typeof ConversationWithMessages>;
