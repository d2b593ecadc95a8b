import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fileTakedown } from '../api/endpoints';
import type { TakedownReason } from '../api/types';
import { Dialog } from '../components/dialog';
import { ErrorText } from '../components/error-text';
import { useNotify } from '../components/notices';

export const TAKEDOWN_REASONS: TakedownReason[] = ['privacy', 'copyright', 'harm'];

/**
 * Report a message for removal from the pool and its releases (privacy, copyright, harm): a
 * takedown request that a moderator decides. Not feedback, unlike Flag.
 */
export function ReportDialog({ messageId, onClose }: { messageId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const notify = useNotify();
  const [reason, setReason] = useState<TakedownReason | null>(null);
  const [details, setDetails] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const doneRef = useRef<HTMLParagraphElement>(null);
  const hintId = useId();

  useEffect(() => {
    if (done) doneRef.current?.focus();
  }, [done]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (reason === null || details.trim() === '') return;
    setBusy(true);
    setError(null);
    try {
      await fileTakedown({ record_id: messageId, reason, details: details.trim() });
      setDone(true);
      notify(t('report.sent'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('report.title')} onClose={onClose} testId="report-dialog">
      {done ? (
        <div className="form">
          <p ref={doneRef} tabIndex={-1} className="ok-text" role="status" data-testid="report-done">
            {t('report.done')}
          </p>
          <div className="actions">
            <button type="button" className="primary" onClick={onClose} data-testid="report-close">
              {t('common.close')}
            </button>
          </div>
        </div>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="form" data-testid="report-form">
          <p className="hint">{t('report.intro')}</p>
          <fieldset>
            <legend>{t('report.reason')}</legend>
            {TAKEDOWN_REASONS.map((r, i) => (
              <label key={r} className="radio-card">
                <input type="radio" name="takedown-reason" required data-autofocus={i === 0 ? true : undefined} checked={reason === r} onChange={() => setReason(r)} data-testid={`report-reason-${r}`} />
                <span>
                  <strong>{t(`report.reasons.${r}`)}</strong>
                  <small>{t(`report.reasonHints.${r}`)}</small>
                </span>
              </label>
            ))}
          </fieldset>
          <label className="field">
            <span>{t('report.details')}</span>
            <textarea rows={3} required maxLength={5000} value={details} onChange={(e) => setDetails(e.target.value)} aria-describedby={hintId} data-testid="report-details" />
            <small id={hintId} className="hint">
              {t('report.detailsHint')}
            </small>
          </label>
          <ErrorText error={error} testId="report-error" />
          <div className="actions">
            <button type="button" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="primary" disabled={busy} data-testid="report-submit">
              {t('report.submit')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
