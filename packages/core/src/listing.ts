import { z } from 'zod';
import { FeedbackKind } from './feedback.js';
import { Id, LanguageTag, Timestamp } from './primitives.js';
import { RecordStatus } from './conversation.js';

/** Pages are cut by an opaque cursor (the last id seen: ids are time-ordered), never by offset. */
export const PageQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Filters shared by the conversation and feedback listings. */
export const PoolFilter = PageQuery.extend({
  community_id: Id.optional(),
  model_id: Id.optional(),
  language: LanguageTag.optional(),
  contributor_id: Id.optional(),
  since: Timestamp.optional(),
  until: Timestamp.optional(),
  status: RecordStatus.default('active'),
});
export type PoolFilter = z.infer<typeof PoolFilter>;

export const FeedbackFilter = PoolFilter.extend({ kind: FeedbackKind.optional(), conversation_id: Id.optional() });
export type FeedbackFilter = z.infer<typeof FeedbackFilter>;

/** One page of a listing; `next_cursor` is null on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}
