import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deleteFeedback, listFeedback } from '../api/endpoints';
import { sendFeedback } from '../api/feedback-sender';
import { keys } from '../api/queries';
import type { FeedbackBody, FlagReason, Span } from '../api/types';
import { useErrorText } from '../components/error-text';
import { useNotify } from '../components/notices';
import { emptyAnswer, emptyConversation, summarise, type AnswerFeedback, type ConversationFeedback } from './feedback-summary';

export type AnnotatorRole = 'interlocutor' | 'third_party';

/**
 * Feedback on one conversation, given optimistically: the screen changes at once, the event goes
 * to the server in the background (with an Idempotency-Key and a few retries), and only a failure
 * comes back, as a notice, with the change undone. Nothing here ever waits on the chat.
 */
export function useFeedback(conversationId: string | null, contributorId: string | undefined, role: AnnotatorRole) {
  const { t } = useTranslation();
  const notify = useNotify();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const enabled = conversationId !== null && contributorId !== undefined;
  const stored = useQuery({
    queryKey: keys.feedbackOn(conversationId ?? ''),
    queryFn: () => listFeedback({ conversation_id: conversationId!, contributor_id: contributorId!, limit: 500 }).then((p) => summarise(p.items)),
    enabled,
    staleTime: Infinity,
  });
  const [summary, setSummary] = useState<ConversationFeedback>(emptyConversation);
  const summaryRef = useRef(summary);
  summaryRef.current = summary;
  // Whether the summary holds a change made here that the cache has not seen yet.
  const changedHere = useRef(false);

  useEffect(() => {
    changedHere.current = false;
    setSummary(stored.data ?? emptyConversation());
  }, [stored.data, conversationId]);
  // What was given here goes into the cache too, so that coming back to the conversation shows it.
  // Only such a change: the summary of the render in which stored data arrives is the stale one, and
  // writing it back would make the two effects swap old and new for ever (the answer's feedback
  // flickering, hundreds of renders a second).
  useEffect(() => {
    if (!changedHere.current) return;
    changedHere.current = false;
    if (conversationId !== null && stored.data !== undefined && summary !== stored.data) queryClient.setQueryData(keys.feedbackOn(conversationId), summary);
  }, [summary, conversationId, stored.data, queryClient]);

  const update = useCallback((fn: (s: ConversationFeedback) => ConversationFeedback) => {
    changedHere.current = true;
    setSummary((s) => fn(s));
  }, []);
  const updateAnswer = useCallback(
    (messageId: string, fn: (a: AnswerFeedback) => AnswerFeedback) => update((s) => ({ ...s, answers: { ...s.answers, [messageId]: fn(s.answers[messageId] ?? emptyAnswer()) } })),
    [update],
  );

  /** Sends in the background; `undo` puts the screen back if it fails. */
  const give = useCallback(
    (body: FeedbackBody, saved: string, undo: () => void, onSaved?: (id: string) => void) => {
      const withRole = { ...body, annotator_role: role } as FeedbackBody;
      sendFeedback(withRole).then(
        (f) => {
          onSaved?.(f.id);
          notify(saved);
          void queryClient.invalidateQueries({ queryKey: keys.myStats });
        },
        (e: unknown) => {
          undo();
          notify(t('feedback.failed', { reason: errorText(e) }), 'error');
        },
      );
    },
    [role, notify, queryClient, t, errorText],
  );

  // Each press on an answer's thumbs supersedes the earlier ones: an event saved after it was
  // superseded (pressed up, then down, before the first answer came) is deleted, so one thumb stays.
  const thumbsSeq = useRef<Record<string, number>>({});
  const thumbs = useCallback(
    (messageId: string, value: 'up' | 'down') => {
      if (conversationId === null) return;
      const before = summaryRef.current.answers[messageId] ?? emptyAnswer();
      const seq = (thumbsSeq.current[messageId] ?? 0) + 1;
      thumbsSeq.current[messageId] = seq;
      const current = () => thumbsSeq.current[messageId] === seq;
      const removeQuietly = (id: string | null) => id !== null && void deleteFeedback(id).catch(() => undefined);
      if (before.thumbs === value) {
        // Pressing it again takes it back.
        updateAnswer(messageId, (a) => ({ ...a, thumbs: null, thumbsId: null }));
        if (before.thumbsId !== null) {
          deleteFeedback(before.thumbsId).then(
            () => notify(t('feedback.thumbsRemoved')),
            (e: unknown) => {
              if (current()) updateAnswer(messageId, (a) => ({ ...a, thumbs: before.thumbs, thumbsId: before.thumbsId }));
              notify(t('feedback.failed', { reason: errorText(e) }), 'error');
            },
          );
        } else notify(t('feedback.thumbsRemoved'));
        return;
      }
      updateAnswer(messageId, (a) => ({ ...a, thumbs: value, thumbsId: null }));
      removeQuietly(before.thumbsId);
      give(
        { kind: 'thumbs', conversation_id: conversationId, message_id: messageId, value },
        value === 'up' ? t('feedback.thumbsUpSaved') : t('feedback.thumbsDownSaved'),
        () => current() && updateAnswer(messageId, (a) => ({ ...a, thumbs: null, thumbsId: null })),
        (id) => {
          if (current()) updateAnswer(messageId, (a) => ({ ...a, thumbsId: id }));
          else removeQuietly(id);
        },
      );
    },
    [conversationId, give, updateAnswer, notify, t, errorText],
  );

  const rate = useCallback(
    (messageId: string | null, questionId: string | null, score: number, scale: { min: number; max: number }) => {
      if (conversationId === null) return;
      const previous = messageId === null ? summaryRef.current.rating : (summaryRef.current.answers[messageId]?.ratings[questionId ?? 'overall'] ?? null);
      const set = (v: number | null) =>
        messageId === null
          ? update((s) => ({ ...s, rating: v }))
          : updateAnswer(messageId, (a) => {
              const ratings = { ...a.ratings };
              if (v === null) delete ratings[questionId ?? 'overall'];
              else ratings[questionId ?? 'overall'] = v;
              return { ...a, ratings };
            });
      set(score);
      const body: FeedbackBody = { kind: 'rating', conversation_id: conversationId, score, scale_min: scale.min, scale_max: scale.max };
      if (messageId !== null) body.message_id = messageId;
      if (questionId !== null) body.question_id = questionId;
      give(body, t('feedback.ratingSaved'), () => set(previous));
    },
    [conversationId, give, update, updateAnswer, t],
  );

  const critique = useCallback(
    (messageId: string | null, text: string, span: Span | null, sentiment: -1 | 0 | 1 | null) => {
      if (conversationId === null) return;
      const body: FeedbackBody = { kind: 'critique', conversation_id: conversationId, text };
      if (messageId !== null) body.message_id = messageId;
      if (span !== null && messageId !== null) body.span = span;
      if (sentiment !== null) body.sentiment = sentiment;
      if (messageId !== null) updateAnswer(messageId, (a) => ({ ...a, critiques: a.critiques + 1 }));
      give(body, t('feedback.critiqueSaved'), () => messageId !== null && updateAnswer(messageId, (a) => ({ ...a, critiques: Math.max(0, a.critiques - 1) })));
    },
    [conversationId, give, updateAnswer, t],
  );

  const correct = useCallback(
    (messageId: string, text: string) => {
      if (conversationId === null) return;
      const previous = summaryRef.current.answers[messageId]?.correction ?? null;
      updateAnswer(messageId, (a) => ({ ...a, correction: text }));
      give({ kind: 'correction', conversation_id: conversationId, message_id: messageId, text }, t('feedback.correctionSaved'), () =>
        updateAnswer(messageId, (a) => ({ ...a, correction: previous })),
      );
    },
    [conversationId, give, updateAnswer, t],
  );

  const flag = useCallback(
    (messageId: string | null, reason: FlagReason, note: string) => {
      if (conversationId === null) return;
      const body: FeedbackBody = { kind: 'flag', conversation_id: conversationId, reason };
      if (messageId !== null) body.message_id = messageId;
      if (note.trim() !== '') body.note = note.trim();
      const add = (s: ConversationFeedback): ConversationFeedback =>
        messageId === null ? { ...s, flags: [...s.flags, reason] } : { ...s, answers: { ...s.answers, [messageId]: { ...(s.answers[messageId] ?? emptyAnswer()), flags: [...(s.answers[messageId]?.flags ?? []), reason] } } };
      const before = summaryRef.current;
      update(add);
      give(body, t('feedback.flagSaved'), () => update(() => before));
    },
    [conversationId, give, update, t],
  );

  const rank = useCallback(
    (ranking: string[]) => {
      if (conversationId === null) return;
      update((s) => ({ ...s, rankings: [...s.rankings, ranking] }));
      give({ kind: 'ranking', conversation_id: conversationId, ranking }, t('feedback.rankingSaved'), () =>
        update((s) => ({ ...s, rankings: s.rankings.filter((r) => r !== ranking) })),
      );
    },
    [conversationId, give, update, t],
  );

  return { summary, loading: enabled && stored.isPending, thumbs, rate, critique, correct, flag, rank };
}

export type FeedbackApi = ReturnType<typeof useFeedback>;
