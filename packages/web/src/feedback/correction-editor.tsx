import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

/** Edit an answer into what it should have said: stored as a correction (a preference pair in exports). */
export function CorrectionEditor(props: { original: string; previous: string | null; onSubmit: (text: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(props.previous ?? props.original);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = text.trim();
    if (value === '' || value === props.original.trim()) return;
    props.onSubmit(value);
    props.onClose();
  };
  const unchanged = text.trim() === props.original.trim();
  return (
    <form className="correction-editor form" onSubmit={submit} data-testid="correction-editor">
      <label className="field">
        <span>{t('feedback.correctionLabel')}</span>
        <textarea
          autoFocus
          rows={Math.min(16, Math.max(4, text.split('\n').length + 1))}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              props.onClose();
            }
          }}
          data-testid="correction-text"
        />
      </label>
      {unchanged && <p className="hint">{t('feedback.correctionUnchanged')}</p>}
      <div className="actions">
        <button type="button" onClick={props.onClose} data-testid="correction-cancel">
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" disabled={unchanged || text.trim() === ''} data-testid="correction-submit">
          {t('feedback.correctionSubmit')}
        </button>
      </div>
    </form>
  );
}
