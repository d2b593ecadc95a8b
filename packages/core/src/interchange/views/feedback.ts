import type { Feedback } from '../../feedback.js';
import type { ColumnSpec, ExportView } from '../export-view.js';
import { labelColumns, labelValues } from './labels.js';

const COMMON: ColumnSpec[] = [
  { name: 'id', type: 'string', nullable: false, description: 'event id' },
  { name: 'kind', type: 'string', nullable: false, description: 'thumbs, rating, pairwise, ranking, correction, critique, flag, regenerate or natural' },
  { name: 'conversation_id', type: 'string', nullable: false, description: 'the conversation it is about' },
  { name: 'message_id', type: 'string', nullable: true, description: 'the message it is about (null: the whole conversation, or a ranking)' },
  { name: 'contributor_id', type: 'string', nullable: false, description: 'who gave it (replaced by a per-release pseudonym in releases)' },
  { name: 'annotator_role', type: 'string', nullable: false, description: 'interlocutor (their own conversation) or third_party' },
  { name: 'provenance', type: 'string', nullable: false, description: 'human, human_aided or model_extracted' },
  { name: 'extractor', type: 'string', nullable: true, description: 'name@version of the model that extracted it, if any' },
  { name: 'methodology_version', type: 'string', nullable: false, description: 'the methodology (questions, scales) it was given under' },
  { name: 'valence', type: 'double', nullable: true, description: '-1 … +1; null for comparisons' },
  { name: 'licence', type: 'string', nullable: true, description: 'the licence it was contributed under' },
  { name: 'model_id', type: 'string', nullable: true, description: 'the model of the message it is about' },
  { name: 'community_id', type: 'string', nullable: true, description: 'the community of the conversation' },
  { name: 'language', type: 'string', nullable: true, description: 'BCP-47 language tag' },
  { name: 'created_at', type: 'timestamp', nullable: false, description: 'when it was given' },
];

/** Fields of the kinds, each a column (null where the kind has none). */
const KIND_FIELDS: ColumnSpec[] = [
  { name: 'value', type: 'string', nullable: true, description: 'thumbs: up or down' },
  { name: 'score', type: 'double', nullable: true, description: 'rating: the score' },
  { name: 'scale_min', type: 'double', nullable: true, description: 'rating: lowest score of the scale' },
  { name: 'scale_max', type: 'double', nullable: true, description: 'rating: highest score of the scale' },
  { name: 'question_id', type: 'string', nullable: true, description: "rating: the community rubric's question (null: overall)" },
  { name: 'other_message_id', type: 'string', nullable: true, description: 'pairwise: answer b (answer a is message_id)' },
  { name: 'outcome', type: 'string', nullable: true, description: 'pairwise: a, b, tie or both_bad' },
  { name: 'ranking', type: 'strings', nullable: true, description: 'ranking: sibling answers, best first' },
  { name: 'text', type: 'string', nullable: true, description: 'correction: the corrected answer; critique: the critique' },
  { name: 'span_start', type: 'int', nullable: true, description: 'critique, natural: start of the span (UTF-16 offset)' },
  { name: 'span_end', type: 'int', nullable: true, description: 'critique, natural: end of the span (exclusive)' },
  { name: 'sentiment', type: 'int', nullable: true, description: 'critique: -1, 0 or 1' },
  { name: 'reason', type: 'string', nullable: true, description: 'flag: spam, pii, unsafe, off_topic or other' },
  { name: 'note', type: 'string', nullable: true, description: 'flag: free text' },
  { name: 'source_message_id', type: 'string', nullable: true, description: "natural: the user's turn that holds the feedback" },
  { name: 'category', type: 'string', nullable: true, description: 'natural: UR1 … UR5' },
  { name: 'count', type: 'int', nullable: true, description: 'imported aggregates: how many people the event stands for' },
];

const COLUMNS = [...COMMON, ...KIND_FIELDS, ...labelColumns('the message the event is about (not this event alone)')];

/**
 * Every event, one flat row each: the view for analysis (DuckDB, pandas) rather than training; each
 * row also carries the aggregated label of the message it is about.
 */
export const feedbackView: ExportView = {
  name: 'feedback',
  description: 'every feedback event, flat',
  columns: () => COLUMNS,
  rows: (bundle) => bundle.feedback.map((f) => Object.assign(flatFeedback(f), labelValues(bundle, 'message_id' in f ? f.message_id : null))),
};

export function flatFeedback(f: Feedback): Record<string, unknown> {
  const any = f as Record<string, unknown>;
  const span = any.span as { start: number; end: number } | null | undefined;
  const row: Record<string, unknown> = {
    id: f.id,
    kind: f.kind,
    conversation_id: f.conversation_id,
    message_id: 'message_id' in f ? f.message_id : null,
    contributor_id: f.contributor_id,
    annotator_role: f.annotator_role,
    provenance: f.provenance.type,
    extractor: 'extractor' in f.provenance && f.provenance.extractor !== undefined ? `${f.provenance.extractor.name}@${f.provenance.extractor.version}` : null,
    methodology_version: f.methodology_version,
    valence: f.valence,
    licence: f.licence,
    model_id: f.model_id,
    community_id: f.community_id,
    language: f.language,
    created_at: f.created_at,
  };
  for (const c of KIND_FIELDS) {
    if (c.name === 'span_start') row[c.name] = span?.start ?? null;
    else if (c.name === 'span_end') row[c.name] = span?.end ?? null;
    else row[c.name] = any[c.name] ?? null;
  }
  return row;
}
