import { valenceOf, type Feedback, type FeedbackKind } from '../../feedback.js';
import type { MessageTree } from '../tree-paths.js';

/** One absolute judgement an event passes on an answer: how good (-1 … +1), standing for `weight` people. */
export interface Judgement {
  message_id: string;
  valence: number;
  weight: number;
}

/** What an answer's judgements add up to. */
export interface Verdict {
  /** Their mean valence, weighted by how many people each stands for; exactly 0 when they cancel out. */
  valence: number;
  weight: number;
  /** The kinds that judged it, first seen first. */
  kinds: FeedbackKind[];
  feedback_ids: string[];
}

// Valences of ratings on scales like 0..3 are thirds: a mean that is 0 in exact arithmetic can come out
// as 5e-17. Anything this close to 0 is a tie.
const TIE = 1e-9;

/**
 * The absolute judgements an event passes on answers: thumbs, overall ratings, natural feedback,
 * flags, regenerations, corrections (of the original) and "both bad" votes, each at its valence.
 * Comparisons (a pairwise a/b/tie, a ranking) say which answer is better, not whether either is good;
 * critiques judge a span or a point rather than the answer; ratings of a rubric question measure a
 * dimension whose direction the rubric does not say ("toxicity", "humour"): none of these count.
 * A correction that changes nothing is no correction.
 * @example judgementsOf({ kind: 'thumbs', message_id: 'a', value: 'up', count: 3, … }, tree) // [{ message_id: 'a', valence: 1, weight: 3 }]
 */
export function judgementsOf(f: Feedback, tree: MessageTree): Judgement[] {
  const one = (message_id: string, valence: number, weight = 1): Judgement[] => [{ message_id, valence, weight }];
  switch (f.kind) {
    case 'thumbs':
      return one(f.message_id, valenceOf(f)!, f.count ?? 1);
    case 'rating':
      return f.message_id !== null && f.question_id === null ? one(f.message_id, valenceOf(f)!, f.count ?? 1) : [];
    case 'natural':
      return one(f.message_id, valenceOf(f)!);
    case 'flag':
      return f.message_id !== null ? one(f.message_id, -1, f.count ?? 1) : [];
    case 'regenerate':
      return one(f.message_id, -1);
    case 'correction':
      return isChange(f, tree) ? one(f.message_id, -1) : [];
    case 'pairwise':
      return f.outcome === 'both_bad' ? [...one(f.message_id, -1), ...one(f.other_message_id, -1)] : [];
    case 'ranking':
    case 'critique':
      return [];
  }
}

/** Whether a correction's text differs from the answer it corrects (and that answer is in the tree). */
export function isChange(f: Extract<Feedback, { kind: 'correction' }>, tree: MessageTree): boolean {
  const original = tree.byId.get(f.message_id);
  return original !== undefined && original.content !== f.text;
}

/**
 * Each assistant answer's verdict: the weighted mean valence of the judgements of the events
 * `accept`ed. An answer with two thumbs up and one down is judged +1/3: good, but less clearly so
 * than one with only thumbs up; one up and one down cancel out (0: neither good nor bad).
 * @example verdicts(feedback, tree).get(answer.id)?.valence // 0.333…
 */
export function verdicts(feedback: readonly Feedback[], tree: MessageTree, accept: (f: Feedback) => boolean = () => true): Map<string, Verdict> {
  const sums = new Map<string, { sum: number; weight: number; kinds: Set<FeedbackKind>; feedback_ids: string[] }>();
  for (const f of feedback) {
    if (!accept(f)) continue;
    for (const j of judgementsOf(f, tree)) {
      if (tree.byId.get(j.message_id)?.role !== 'assistant') continue;
      let s = sums.get(j.message_id);
      if (s === undefined) sums.set(j.message_id, (s = { sum: 0, weight: 0, kinds: new Set(), feedback_ids: [] }));
      s.sum += j.valence * j.weight;
      s.weight += j.weight;
      s.kinds.add(f.kind);
      if (s.feedback_ids.at(-1) !== f.id) s.feedback_ids.push(f.id);
    }
  }
  const out = new Map<string, Verdict>();
  for (const [id, s] of sums) {
    const mean = s.sum / s.weight;
    out.set(id, { valence: Math.abs(mean) < TIE ? 0 : mean, weight: s.weight, kinds: [...s.kinds], feedback_ids: s.feedback_ids });
  }
  return out;
}
