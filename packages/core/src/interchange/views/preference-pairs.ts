import type { Conversation } from '../../conversation.js';
import type { ColumnSpec, ExportBundle, ExportMessage } from '../export-view.js';
import { MessageTree } from '../tree-paths.js';
import { isChange, verdicts } from './judgements.js';
import { modelOf, promptOf } from './prompt-forms.js';

/** The feedback a preference pair comes from. */
export type PairSource = 'pairwise' | 'correction' | 'ranking' | 'thumbs' | 'rating';

export interface PairSide {
  /** The message; null for a correction's text, which is no message of the tree. */
  id: string | null;
  content: string;
  model: string | null;
}

/** Two answers to one prompt, one preferred: a row of the `dpo` and `reward` views. */
export interface PreferencePair {
  source: PairSource;
  /** The turns both answers reply to, from the root through their parent. */
  prompt: ExportMessage[];
  chosen: PairSide;
  rejected: PairSide;
  /** How strongly `chosen` is preferred, 0 < margin ≤ 1 (see `docs/training-views.md`). */
  margin: number;
  feedback_ids: string[];
}

const side = (m: ExportMessage): PairSide => ({ id: m.id, content: m.content, model: modelOf(m) });

/**
 * Every preference pair a conversation's feedback states:
 * - a pairwise vote `a` or `b` (margin 1); ties and "both bad" prefer neither;
 * - a correction: its text over the answer it corrects (margin 1);
 * - a ranking: every pair of the answers it ranks, the better over the worse, at their distance in
 *   the ranking over its length (best over worst of any ranking: 1; neighbours in a ranking of 5: 1/4);
 * - thumbs of siblings: an answer its thumbs judge good (mean valence > 0) over a sibling they judge
 *   bad (< 0), at half the difference of the means (all up over all down: 1);
 * - overall ratings of siblings: the better rated over the worse, at half the difference of their
 *   mean valences, i.e. the score difference over the scale's range (5 over 1 on 1..5: 1; 4 over 3: 1/4).
 * Pairs stay within one prompt (siblings, or answers whose threads read the same up to them), and
 * a pair whose two texts are equal says nothing and is left out.
 * @example preferencePairs(bundle).map((p) => [p.source, p.chosen.id, p.rejected.id, p.margin])
 */
export function preferencePairs({ messages, feedback }: ExportBundle): PreferencePair[] {
  const tree = new MessageTree(messages);
  const pairs: PreferencePair[] = [];
  const add = (source: PairSource, chosen: PairSide, rejected: PairSide, prompt: ExportMessage[] | null, margin: number, feedback_ids: string[]) => {
    if (prompt !== null && chosen.content !== rejected.content && margin > 0) pairs.push({ source, prompt, chosen, rejected, margin, feedback_ids });
  };
  const answer = (id: string) => {
    const m = tree.byId.get(id);
    return m?.role === 'assistant' ? m : undefined;
  };

  for (const f of feedback) {
    if (f.kind === 'pairwise' && (f.outcome === 'a' || f.outcome === 'b')) {
      const a = answer(f.message_id);
      const b = answer(f.other_message_id);
      if (a === undefined || b === undefined) continue;
      const [chosen, rejected] = f.outcome === 'a' ? [a, b] : [b, a];
      add('pairwise', side(chosen), side(rejected), sharedPrompt(tree, chosen, rejected), 1, [f.id]);
    } else if (f.kind === 'correction') {
      const original = answer(f.message_id);
      if (original === undefined || !isChange(f, tree)) continue;
      add('correction', { id: null, content: f.text, model: null }, side(original), promptOf(tree, original), 1, [f.id]);
    } else if (f.kind === 'ranking') {
      const ranked = f.ranking.map(answer).filter((m) => m !== undefined);
      for (let i = 0; i < ranked.length; i++) {
        for (let j = i + 1; j < ranked.length; j++) {
          add('ranking', side(ranked[i]!), side(ranked[j]!), sharedPrompt(tree, ranked[i]!, ranked[j]!), (j - i) / (ranked.length - 1), [f.id]);
        }
      }
    }
  }

  const siblingPairs = (source: 'thumbs' | 'rating', prefers: (better: number, worse: number) => boolean) => {
    const judged = verdicts(feedback, tree, (f) => f.kind === source);
    if (judged.size < 2) return;
    for (const siblings of tree.children.values()) {
      const rated = siblings.flatMap((m) => (judged.has(m.id) ? [[m, judged.get(m.id)!] as const] : []));
      for (let i = 0; i < rated.length; i++) {
        for (let j = i + 1; j < rated.length; j++) {
          const [[better, vb], [worse, vw]] = rated[i]![1].valence >= rated[j]![1].valence ? [rated[i]!, rated[j]!] : [rated[j]!, rated[i]!];
          if (prefers(vb.valence, vw.valence)) add(source, side(better), side(worse), promptOf(tree, better), (vb.valence - vw.valence) / 2, [...vb.feedback_ids, ...vw.feedback_ids]);
        }
      }
    }
  };
  siblingPairs('thumbs', (better, worse) => better > 0 && worse < 0);
  siblingPairs('rating', (better, worse) => better > worse);
  return pairs;
}

/**
 * The prompt two answers share: their parent's thread when they are siblings, or when their threads
 * read the same (role and text) up to them, as in two threads of one battle; null otherwise.
 */
export function sharedPrompt(tree: MessageTree, a: ExportMessage, b: ExportMessage): ExportMessage[] | null {
  const pa = promptOf(tree, a);
  if (pa === null || a.parent_id === b.parent_id) return pa;
  const pb = promptOf(tree, b);
  if (pb === null || pb.length !== pa.length) return null;
  return pa.every((m, i) => m.role === pb[i]!.role && m.content === pb[i]!.content) ? pa : null;
}

/** Where a pair came from, for tracing and filtering; TRL ignores these columns. */
export const PAIR_TRACE_COLUMNS: ColumnSpec[] = [
  { name: 'source', type: 'string', nullable: false, description: 'the feedback the pair comes from: pairwise, correction, ranking, thumbs or rating' },
  { name: 'conversation_id', type: 'string', nullable: false, description: 'the conversation' },
  { name: 'prompt_id', type: 'string', nullable: false, description: 'the last turn of the prompt: the message both answers reply to' },
  { name: 'chosen_id', type: 'string', nullable: true, description: "the preferred answer (null: a correction's text)" },
  { name: 'rejected_id', type: 'string', nullable: false, description: 'the other answer' },
  { name: 'chosen_model', type: 'string', nullable: true, description: 'the model that wrote the preferred answer (null: a person, for corrections)' },
  { name: 'rejected_model', type: 'string', nullable: true, description: 'the model that wrote the other answer' },
  { name: 'feedback_ids', type: 'strings', nullable: false, description: 'the events that state the preference' },
  { name: 'language', type: 'string', nullable: true, description: 'BCP-47 language tag of the prompt' },
];

/** The trace columns of a pair's row. */
export function pairTrace(pair: PreferencePair, conversation: Conversation): Record<string, unknown> {
  const parent = pair.prompt.at(-1)!;
  return {
    source: pair.source,
    conversation_id: conversation.id,
    prompt_id: parent.id,
    chosen_id: pair.chosen.id,
    rejected_id: pair.rejected.id,
    chosen_model: pair.chosen.model,
    rejected_model: pair.rejected.model,
    feedback_ids: pair.feedback_ids,
    language: parent.language ?? conversation.language,
  };
}
