import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { giveConsent, withdrawConsent } from '../../api/endpoints';
import { consentState, keys, useConsent, useTerms } from '../../api/queries';
import type { ConsentInput } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { ErrorText } from '../../components/error-text';
import { useNotify } from '../../components/notices';
import { licenceKey } from '../../lib/licences';

/** My consent: the licence for future contributions (changeable), and withdrawal. */
export function ConsentSection() {
  const { t, i18n } = useTranslation();
  const consent = useConsent();
  const terms = useTerms();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [licence, setLicence] = useState('');
  const [confirmWithdraw, setConfirmWithdraw] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const c = consent.data ?? null;
  const state = consentState(c, terms.data);
  const date = (iso: string) => new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'long' }).format(new Date(iso));

  const changeLicence = async () => {
    if (c === null || terms.data === undefined || licence === '' || licence === c.licence) return;
    setBusy(true);
    setError(null);
    try {
      const input: ConsentInput = { terms_version: terms.data.version, adult_confirmed: true, licence: licence as ConsentInput['licence'], attribution: c.attribution };
      if (c.attribution === 'name' && c.attribution_name !== null) input.attribution_name = c.attribution_name;
      await giveConsent(input);
      await queryClient.invalidateQueries({ queryKey: keys.consent });
      notify(t('myData.licenceChanged', { licence }));
      setLicence('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const withdraw = async () => {
    setBusy(true);
    setError(null);
    try {
      await withdrawConsent();
      setConfirmWithdraw(false);
      await queryClient.invalidateQueries({ queryKey: keys.consent });
      await queryClient.invalidateQueries({ queryKey: keys.myStats });
      notify(t('myData.withdrawn'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="consent-heading" data-testid="consent-section" data-consent-state={state}>
      <h2 id="consent-heading">{t('myData.consentHeading')}</h2>
      {state === 'none' && (
        <p>
          {t('myData.noConsent')} <Link to="/consent?next=/me">{t('myData.giveConsent')}</Link>
        </p>
      )}
      {state === 'withdrawn' && c?.withdrawn_at && (
        <p data-testid="consent-withdrawn">
          {t('myData.withdrawnOn', { date: date(c.withdrawn_at) })} <Link to="/consent?next=/me">{t('myData.consentAgain')}</Link>
        </p>
      )}
      {c !== null && state !== 'withdrawn' && state !== 'none' && (
        <>
          <dl className="facts">
            <dt>{t('myData.licence')}</dt>
            <dd data-testid="current-licence">{c.licence}</dd>
            <dt>{t('myData.attribution')}</dt>
            <dd>{c.attribution === 'name' ? `${t('consent.attributions.name')}: ${c.attribution_name ?? ''}` : t(`consent.attributions.${c.attribution}`)}</dd>
            <dt>{t('myData.terms')}</dt>
            <dd>{t('myData.termsAccepted', { version: c.terms_version, date: date(c.accepted_at) })}</dd>
          </dl>
          {state === 'outdated' && (
            <p className="notice">
              {t('consent.outdated')} <Link to="/consent?next=/me">{t('myData.consentAgain')}</Link>
            </p>
          )}
          <div className="inline-form">
            <label className="field inline">
              <span>{t('myData.changeLicence')}</span>
              <select value={licence} onChange={(e) => setLicence(e.target.value)} data-testid="licence-select">
                <option value="">{t('myData.chooseLicence')}</option>
                {(terms.data?.licences ?? []).map((l) => (
                  <option key={l} value={l} disabled={l === c.licence}>
                    {l}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={() => void changeLicence()} disabled={busy || licence === '' || licence === c.licence} data-testid="licence-change">
              {t('myData.applyLicence')}
            </button>
          </div>
          {licence !== '' && i18n.exists(licenceKey(licence)) && <p className="hint">{t(licenceKey(licence) as 'licences.CC0_1_0')}</p>}
          <p className="hint">{t('myData.licenceFuture')}</p>
          <button type="button" className="danger" onClick={() => setConfirmWithdraw(true)} data-testid="withdraw-consent">
            {t('myData.withdraw')}
          </button>
        </>
      )}
      <ErrorText error={error} testId="consent-section-error" />
      {confirmWithdraw && (
        <Dialog title={t('myData.withdrawTitle')} onClose={() => setConfirmWithdraw(false)} testId="withdraw-dialog">
          <p>{t('myData.withdrawExplain')}</p>
          <p>
            <strong data-testid="withdraw-statement">{t('myData.cannotRecall')}</strong>
          </p>
          <div className="actions">
            <button type="button" onClick={() => setConfirmWithdraw(false)}>
              {t('common.cancel')}
            </button>
            <button type="button" className="danger" onClick={() => void withdraw()} disabled={busy} data-testid="withdraw-confirm">
              {t('myData.withdrawConfirm')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
