import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FlagReason } from '../api/types';
import { Dialog } from '../components/dialog';

export const FLAG_REASONS: FlagReason[] = ['spam', 'pii', 'unsafe', 'off_topic', 'other'];

/** Flag an answer (or the whole conversation) for review: spam, personal data, unsafe, off topic, other. */
export function FlagDialog(props: { target: 'answer' | 'conversation'; onSubmit: (reason: FlagReason, note: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState<FlagReason | null>(null);
  const [note, setNote] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (reason === null) return;
    props.onSubmit(reason, note);
    props.onClose();
  };
  return (
    <Dialog title={props.target === 'answer' ? t('feedback.flagAnswerTitle') : t('feedback.flagConversationTitle')} onClose={props.onClose} testId="flag-dialog">
      <form onSubmit={submit} className="form">
        <fieldset>
          <legend>{t('feedback.flagReason')}</legend>
          {FLAG_REASONS.map((r, i) => (
            <label key={r} className="radio-card">
              <input type="radio" name="reason" required data-autofocus={i === 0 ? true : undefined} checked={reason === r} onChange={() => setReason(r)} data-testid={`flag-${r}`} />
              <span>
                <strong>{t(`feedback.flags.${r}`)}</strong>
                <small>{t(`feedback.flagHints.${r}`)}</small>
              </span>
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>{t('feedback.flagNote')}</span>
          <textarea rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} data-testid="flag-note" />
        </label>
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={reason === null} data-testid="flag-submit">
            {t('feedback.flagSubmit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
