import type { Feedback, FlagReason } from '../api/types';

/** What I have said about one answer, as the buttons show it. */
export interface AnswerFeedback {
  thumbs: 'up' | 'down' | null;
  thumbsId: string | null;
  /** Rubric scores by question id. */
  ratings: Record<string, number>;
  critiques: number;
  correction: string | null;
  flags: FlagReason[];
}

/** What I have said about a conversation: its overall rating, flags, rankings, and each answer. */
export interface ConversationFeedback {
  rating: number | null;
  flags: FlagReason[];
  rankings: string[][];
  answers: Record<string, AnswerFeedback>;
}

export const emptyAnswer = (): AnswerFeedback => ({ thumbs: null, thumbsId: null, ratings: {}, critiques: 0, correction: null, flags: [] });
export const emptyConversation = (): ConversationFeedback => ({ rating: null, flags: [], rankings: [], answers: {} });

/** Folds my stored events (any order) into what the screen shows; the newest thumbs and scores win. */
export function summarise(events: readonly Feedback[]): ConversationFeedback {
  const out = emptyConversation();
  const sorted = [...events].filter((e) => e.status === 'active').sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
  const answer = (id: string) => (out.answers[id] ??= emptyAnswer());
  for (const e of sorted) {
    switch (e.kind) {
      case 'thumbs':
        Object.assign(answer(e.message_id), { thumbs: e.value, thumbsId: e.id });
        break;
      case 'rating':
        if (e.message_id === null && e.question_id === null) out.rating = e.score;
        else if (e.message_id !== null) answer(e.message_id).ratings[e.question_id ?? 'overall'] = e.score;
        break;
      case 'critique':
        if (e.message_id !== null) answer(e.message_id).critiques += 1;
        break;
      case 'correction':
        answer(e.message_id).correction = e.text;
        break;
      case 'flag':
        if (e.message_id === null) out.flags.push(e.reason);
        else answer(e.message_id).flags.push(e.reason);
        break;
      case 'ranking':
        out.rankings.push([...e.ranking]);
        break;
      default:
        break;
    }
  }
  return out;
}
