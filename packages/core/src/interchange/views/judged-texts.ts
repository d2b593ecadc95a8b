import type { ColumnSpec, ExportBundle, ExportMessage } from '../export-view.js';
import { MessageTree } from '../tree-paths.js';
import type { Feedback, FeedbackKind } from '../../feedback.js';
import { isChange, verdicts } from './judgements.js';
import { modelOf, promptOf } from './prompt-forms.js';

/** One row of the `sft` and `kto` views before it takes its form: a judged answer, or a correction's text in its place. */
export interface JudgedText {
  source: 'judgements' | 'correction';
  prompt: ExportMessage[];
  /** The answer as the model wrote it, or the correction's text. */
  content: string;
  /** The answer (for a correction: the answer it corrects). */
  answer: ExportMessage;
  /** The answer's mean valence (its verdict); null for a correction's text (a person wrote it to be right). */
  valence: number | null;
  kinds: FeedbackKind[];
  feedback_ids: string[];
}

/**
 * Every assistant answer that has a verdict (its judgements do not cancel out), and every
 * correction's text, in tree order (an answer, then its corrections); answers without a whole
 * thread before them are left out.
 * @example judgedTexts(bundle).filter((t) => t.valence === null || t.valence > 0) // what SFT keeps
 */
export function judgedTexts({ messages, feedback }: ExportBundle): JudgedText[] {
  const tree = new MessageTree(messages);
  const judged = verdicts(feedback, tree);
  const corrections = new Map<string, Extract<Feedback, { kind: 'correction' }>[]>();
  for (const f of feedback) {
    if (f.kind !== 'correction' || !isChange(f, tree)) continue;
    corrections.set(f.message_id, [...(corrections.get(f.message_id) ?? []), f]);
  }
  const out: JudgedText[] = [];
  for (const answer of messages) {
    if (answer.role !== 'assistant') continue;
    const prompt = promptOf(tree, answer);
    if (prompt === null) continue;
    const verdict = judged.get(answer.id);
    if (verdict !== undefined && verdict.valence !== 0) {
      out.push({ source: 'judgements', prompt, content: answer.content, answer, valence: verdict.valence, kinds: verdict.kinds, feedback_ids: verdict.feedback_ids });
    }
    for (const c of corrections.get(answer.id) ?? []) {
      out.push({ source: 'correction', prompt, content: c.text, answer, valence: null, kinds: ['correction'], feedback_ids: [c.id] });
    }
  }
  return out;
}

/** Where a row came from, for tracing and filtering; TRL ignores these columns. */
export const JUDGED_TRACE_COLUMNS: ColumnSpec[] = [
  { name: 'source', type: 'string', nullable: false, description: "judgements (the answer as written, judged by its feedback) or correction (a person's corrected text in its place)" },
  { name: 'conversation_id', type: 'string', nullable: false, description: 'the conversation' },
  { name: 'message_id', type: 'string', nullable: false, description: 'the answer (for a correction: the answer it corrects)' },
  { name: 'model', type: 'string', nullable: true, description: 'the model that wrote the text (null: a person, for corrections)' },
  { name: 'valence', type: 'double', nullable: true, description: "the answer's mean valence, -1 … +1, weighted by how many people each event stands for (null for corrections)" },
  { name: 'kinds', type: 'strings', nullable: false, description: 'the kinds of feedback behind the row' },
  { name: 'feedback_ids', type: 'strings', nullable: false, description: 'the events behind the row' },
  { name: 'language', type: 'string', nullable: true, description: 'BCP-47 language tag of the answer' },
];

/** The trace columns of a judged text's row. */
export function judgedTrace(t: JudgedText, bundle: ExportBundle): Record<string, unknown> {
  return {
    source: t.source,
    conversation_id: bundle.conversation.id,
    message_id: t.answer.id,
    model: t.source === 'correction' ? null : modelOf(t.answer),
    valence: t.valence,
    kinds: t.kinds,
    feedback_ids: t.feedback_ids,
    language: t.answer.language ?? bundle.conversation.language,
  };
}
