import type { Conversation, Message } from '../conversation.js';
import type { Feedback } from '../feedback.js';
import type { AnswerLabel } from '../quality/answer-labels.js';

/** A conversation with everything an export view reads: its whole tree and its active feedback. */
export interface ExportBundle {
  conversation: Conversation;
  /** In tree order (parents before children). */
  messages: ExportMessage[];
  feedback: Feedback[];
  /**
   * The aggregated label of each judged answer, by message id (quality's answerLabels: every
   * rater's thumbs and overall ratings, weighted by their trust). Absent when the export does not
   * carry labels (its caller may not read them): the label columns are then null.
   */
  labels?: ReadonlyMap<string, AnswerLabel> | undefined;
}

export type ExportMessage = Message & {
  /** Fields an imported source had that the pool has no column for (OpenAssistant's review counts, …). */
  source_meta: Record<string, unknown> | null;
};

/**
 * Column types of the export files. `messages` is a list of `{role, content}` structs (the
 * conversational layout TRL and the Hugging Face chat templates read); `strings` a list of strings;
 * `json` a JSON document kept as text.
 */
export type ColumnType = 'string' | 'int' | 'double' | 'boolean' | 'timestamp' | 'json' | 'messages' | 'strings';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  nullable: boolean;
  description: string;
}

export interface ViewOptions {
  /** Training views (sft, dpo, kto, reward): `conversational` (lists of `{role, content}`, the default) or `standard` (plain strings). */
  form: 'conversational' | 'standard';
}

/** A training-ready view of the pool: how one conversation (with its feedback) becomes rows. */
export interface ExportView {
  name: string;
  description: string;
  /** The columns of `form`, in file order. */
  columns(options: ViewOptions): ColumnSpec[];
  rows(bundle: ExportBundle, options: ViewOptions): Record<string, unknown>[];
}

/** A turn as chat templates and TRL read it. */
export interface ChatTurn {
  role: string;
  content: string;
}
