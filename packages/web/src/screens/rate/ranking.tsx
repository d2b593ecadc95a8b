import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatNode } from '../chat/chat-state';

/**
 * Order the alternative answers to one user turn from best to worst (a `ranking` event). Moving is
 * by buttons, so it works from the keyboard and on a phone.
 */
export function Ranking({ question, answers, authorOf, saved, onSubmit }: { question: ChatNode; answers: ChatNode[]; authorOf: (n: ChatNode) => string; saved: boolean; onSubmit: (ids: string[]) => void }) {
  const { t } = useTranslation();
  const [order, setOrder] = useState(() => answers.map((a) => a.id));
  const byId = new Map(answers.map((a) => [a.id, a] as const));
  const move = (i: number, delta: -1 | 1) =>
    setOrder((o) => {
      const next = [...o];
      const j = i + delta;
      if (j < 0 || j >= next.length) return o;
      [next[i], next[j]] = [next[j]!, next[i]!];
      return next;
    });
  const preview = (text: string) => (text.length > 240 ? `${text.slice(0, 240)}…` : text);
  return (
    <section className="card ranking" aria-labelledby={`rank-${question.id}`} data-testid="ranking" data-question-id={question.id}>
      <h3 id={`rank-${question.id}`}>{t('rate.rankTitle', { count: answers.length })}</h3>
      <p className="hint">
        {t('rate.rankQuestion')} <q>{preview(question.content)}</q>
      </p>
      <ol className="ranking-list">
        {order.map((id, i) => {
          const a = byId.get(id)!;
          return (
            <li key={id} className="ranking-item" data-testid="ranking-item" data-message-id={id}>
              <span className="rank" aria-hidden="true">
                {i + 1}
              </span>
              <div className="ranking-text">
                <strong>{authorOf(a)}</strong>
                <p>{preview(a.content)}</p>
              </div>
              <span className="ranking-moves">
                <button type="button" className="icon-button" onClick={() => move(i, -1)} disabled={i === 0} aria-label={t('rate.moveUp', { position: i + 1 })} data-testid="rank-up">
                  ↑
                </button>
                <button type="button" className="icon-button" onClick={() => move(i, 1)} disabled={i === order.length - 1} aria-label={t('rate.moveDown', { position: i + 1 })} data-testid="rank-down">
                  ↓
                </button>
              </span>
            </li>
          );
        })}
      </ol>
      <button type="button" className="primary" onClick={() => onSubmit(order)} data-testid="ranking-submit">
        {saved ? t('rate.rankSaved') : t('rate.rankSubmit')}
      </button>
    </section>
  );
}
