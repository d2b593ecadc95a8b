import { useTranslation } from 'react-i18next';
import type { RubricQuestion } from '../api/types';
import type { AnswerFeedback } from './feedback-summary';
import { ScaleInput } from './scale-input';

/** The community's rubric questions about one answer, and the overall rating of the conversation. */
export function RatePanel(props: {
  messageId: string;
  rubric: readonly RubricQuestion[];
  answer: AnswerFeedback;
  conversationRating: number | null;
  onRate: (messageId: string | null, questionId: string | null, score: number, scale: { min: number; max: number }) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { messageId, rubric, answer } = props;
  return (
    <section className="rate-panel" aria-label={t('feedback.ratePanel')} data-testid="rate-panel">
      {rubric.length === 0 && (
        <ScaleInput label={t('feedback.answerQuality')} min={1} max={5} value={answer.ratings.overall ?? null} onRate={(s) => props.onRate(messageId, null, s, { min: 1, max: 5 })} testId="answer-rating" />
      )}
      {rubric.map((q) => (
        <ScaleInput
          key={q.id}
          label={q.text}
          min={q.min}
          max={q.max}
          labels={q.labels}
          value={answer.ratings[q.id] ?? null}
          onRate={(s) => props.onRate(messageId, q.id, s, { min: q.min, max: q.max })}
          testId={`rubric-${q.id}`}
        />
      ))}
      <ScaleInput label={t('feedback.conversationRating')} min={1} max={5} value={props.conversationRating} onRate={(s) => props.onRate(null, null, s, { min: 1, max: 5 })} testId="conversation-rating-panel" />
      <button type="button" className="link-button" onClick={props.onClose} data-testid="rate-panel-close">
        {t('common.done')}
      </button>
    </section>
  );
}
