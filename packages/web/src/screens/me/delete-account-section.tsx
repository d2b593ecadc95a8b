import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { deleteMe } from '../../api/endpoints';
import { isApiError } from '../../api/http';
import { useMe } from '../../api/queries';
import type { ErasureReport } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { ErrorText } from '../../components/error-text';

/** What the sign-in page is told after an account was deleted (router state, not the address). */
export interface AccountDeletedState {
  accountDeleted: ErasureReport;
}

/**
 * "Delete my account and everything": confirmed by typing one's handle, after a plain statement
 * that released copies cannot be recalled. Ends signed out, on the sign-in page, with a notice.
 */
export function DeleteAccountSection() {
  const { t } = useTranslation();
  const me = useMe().data!;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const hintId = useId();
  const matches = typed.trim().replace(/^@/, '') === me.handle;

  const close = () => {
    if (busy) return;
    setOpen(false);
    setTyped('');
    setError(null);
  };

  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    if (!matches) return;
    setBusy(true);
    setError(null);
    try {
      const report = await deleteMe();
      // The session is gone with the account: forget everything cached, then say so on the sign-in page.
      queryClient.clear();
      const state: AccountDeletedState = { accountDeleted: report };
      navigate('/sign-in', { replace: true, state });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section className="card danger-zone" aria-labelledby="delete-account-heading" data-testid="delete-account-section">
      <h2 id="delete-account-heading">{t('myData.deleteAccountHeading')}</h2>
      <p>{t('myData.deleteAccountText')}</p>
      <p className="hint">{t('myData.cannotRecall')}</p>
      <button type="button" className="danger" onClick={() => setOpen(true)} data-testid="delete-account">
        {t('myData.deleteAccount')}
      </button>
      {open && (
        <Dialog title={t('myData.deleteAccountTitle')} onClose={close} testId="delete-account-dialog">
          <form className="form confirm-form" onSubmit={(e) => void confirm(e)}>
            <p>{t('myData.deleteAccountExplain')}</p>
            <p>
              <strong data-testid="delete-account-statement">{t('myData.cannotRecall')}</strong>
            </p>
            <label className="field">
              <span id={hintId}>{t('myData.deleteAccountHandle', { handle: me.handle })}</span>
              <input
                data-autofocus
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                disabled={busy}
                data-testid="delete-account-handle"
              />
            </label>
            {isApiError(error, 'conflict') ? (
              <p className="error-text" role="alert" data-testid="delete-account-error">
                {t('myData.deleteAccountOwnsModels')}
              </p>
            ) : (
              <ErrorText error={error} testId="delete-account-error" />
            )}
            <div className="actions">
              <button type="button" onClick={close} disabled={busy}>
                {t('common.cancel')}
              </button>
              <button type="submit" className="danger" disabled={busy || !matches} aria-describedby={hintId} data-testid="delete-account-confirm">
                {t('myData.deleteAccountConfirm')}
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </section>
  );
}
