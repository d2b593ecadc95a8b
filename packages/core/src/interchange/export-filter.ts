import { z } from 'zod';
import { FeedbackKind } from '../feedback.js';
import { Id, LanguageTag, Timestamp } from '../primitives.js';

/**
 * What an export selects. Conversations by community, language and the model that answered (a
 * registered model's id or an imported model's name); feedback by kind; `contributor_id` selects a
 * person's contributions (the conversations they started or gave feedback in, and only their
 * feedback); the time range selects events by when they were given (and, for `conversations` and
 * `oasst`, conversations by when they started).
 */
export const ExportFilter = z.strictObject({
  community_id: Id.optional(),
  model: z.string().min(1).max(200).optional(),
  language: LanguageTag.optional(),
  kind: FeedbackKind.optional(),
  contributor_id: Id.optional(),
  since: Timestamp.optional(),
  until: Timestamp.optional(),
});
export type ExportFilter = z.infer<typeof ExportFilter>;

export const ExportFormat = z.enum(['jsonl', 'parquet']);
export type ExportFormat = z.infer<typeof ExportFormat>;
