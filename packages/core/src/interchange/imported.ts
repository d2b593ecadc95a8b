import type { AnnotatorRole, FlagReason, PairwiseOutcome } from '../feedback.js';
import type { MessageRole } from '../conversation.js';

/*
 * What an importer makes of a source record, before the server stores it: a conversation tree with
 * the feedback the source holds about it. Ids are the pool's ids, made from the source's own ids
 * (`oasst:<message_id>`) or, where the source has none, from the content: re-importing a file
 * yields the same ids. People are named by the source's user ids (`author`); null stands for the
 * source's people as a whole (a dataset that publishes no user ids, or an aggregate such as a
 * consensus ranking).
 */

export interface ImportedMessage {
  id: string;
  parent_id: string | null;
  role: MessageRole;
  content: string;
  /** The source's id of the person who wrote a user turn; null when the source does not say. */
  author: string | null;
  /** The model that wrote an assistant turn, as the source names it. */
  model_name: string | null;
  language: string | null;
  created_at: string | null;
  /** Fields of the source the pool has no column for, kept so that re-exporting reproduces them. */
  source_meta: Record<string, unknown> | null;
}

interface ImportedEventBase {
  id: string;
  /** The source's id of the rater; null for the source's people as a whole. */
  author: string | null;
  annotator_role: AnnotatorRole;
  created_at: string | null;
}

export type ImportedFeedback = ImportedEventBase &
  (
    | { kind: 'thumbs'; message_id: string; value: 'up' | 'down'; count?: number }
    | { kind: 'rating'; message_id: string | null; question_id: string | null; score: number; scale_min: number; scale_max: number; count?: number }
    | { kind: 'pairwise'; message_id: string; other_message_id: string; outcome: PairwiseOutcome }
    | { kind: 'ranking'; ranking: string[] }
    | { kind: 'flag'; message_id: string | null; reason: FlagReason; note: string | null; count?: number }
  );

export interface ImportedConversation {
  id: string;
  title: string | null;
  language: string | null;
  created_at: string | null;
  /** Who started it (the author of its first user turn), by the source's user id. */
  author: string | null;
  messages: ImportedMessage[];
  feedback: ImportedFeedback[];
}

/** Parts of a record an importer leaves out on purpose (deleted or synthetic messages, …), counted for the report. */
export interface SkippedPart {
  reason: string;
  messages: number;
}

export type ImportResult =
  | { ok: true; position: number; conversation: ImportedConversation; skipped: SkippedPart[]; notes: string[] }
  | {
      ok: false;
      position: number;
      code: ImportErrorCode;
      message: string;
      /** Messages a record held that were left out on purpose, when that left nothing to import (an OpenAssistant tree that is synthetic from its root). */
      skipped?: SkippedPart[];
    };

/** Why a record was not imported. */
export type ImportErrorCode = 'invalid_json' | 'invalid_record' | 'invalid_tree' | 'empty_record';

export interface ImportReaderOptions {
  /** The name ids and people are prefixed with (`oasst`): two datasets of one format need two sources. */
  source: string;
}

/**
 * Turns a file's records, in order, into conversations. Most formats answer each record at once;
 * those whose conversations span records (OpenAssistant's one-message-per-row exports) hold them
 * until `finish`.
 */
export interface ImportReader {
  read(record: unknown, position: number): ImportResult[];
  finish(): ImportResult[];
}

export interface ImportFormat {
  /** The name used on the command line and in the API (`openfeedback import sharegpt …`). */
  name: string;
  description: string;
  /** The licence the public dataset of this format is usually published under, when there is one. */
  defaultLicence: string | null;
  createReader(options: ImportReaderOptions): ImportReader;
}
