import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from '../components/dialog';
import type { SourceSpan } from '../lib/selection-span';

/** A free-text critique of an answer, on the part of it that was selected when it was opened. */
export function CritiqueDialog(props: { span: SourceSpan | null; onSubmit: (text: string, sentiment: -1 | 0 | 1 | null) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [sentiment, setSentiment] = useState<-1 | 0 | 1 | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() === '') return;
    props.onSubmit(text.trim(), sentiment);
    props.onClose();
  };
  const quote = props.span?.text ?? '';
  return (
    <Dialog title={t('feedback.critiqueTitle')} onClose={props.onClose} testId="critique-dialog">
      <form onSubmit={submit} className="form">
        {props.span !== null ? (
          <figure className="quote" data-testid="critique-span" data-start={props.span.start} data-end={props.span.end}>
            <figcaption>{t('feedback.critiqueOnSpan')}</figcaption>
            <blockquote>{quote.length > 400 ? `${quote.slice(0, 400)}…` : quote}</blockquote>
          </figure>
        ) : (
          <p className="hint">{t('feedback.critiqueHint')}</p>
        )}
        <label className="field">
          <span>{t('feedback.critiqueLabel')}</span>
          <textarea data-autofocus rows={4} required maxLength={20000} value={text} onChange={(e) => setText(e.target.value)} data-testid="critique-text" />
        </label>
        <fieldset className="inline-choices">
          <legend>{t('feedback.sentiment')}</legend>
          {([-1, 0, 1] as const).map((v) => (
            <label key={v}>
              <input type="radio" name="sentiment" checked={sentiment === v} onChange={() => setSentiment(v)} />
              {t(`feedback.sentiments.${v === -1 ? 'negative' : v === 0 ? 'neutral' : 'positive'}`)}
            </label>
          ))}
        </fieldset>
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" data-testid="critique-submit">
            {t('feedback.send')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
