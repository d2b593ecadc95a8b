import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { giveConsent, updateProfile } from '../../api/endpoints';
import { consentState, keys, useConsent, useMe, useTerms } from '../../api/queries';
import type { Consent, ConsentInput, Me, Terms } from '../../api/types';
import { ErrorText } from '../../components/error-text';
import { PageTitle } from '../../components/layout';
import { Loading } from '../../components/spinner';
import { licenceKey } from '../../lib/licences';
import { safeNext } from '../auth/sign-in-screen';
import { draftFrom, invalidLanguages, ProfileFields, profileUpdateFrom } from './profile-fields';

type Attribution = ConsentInput['attribution'];
const ATTRIBUTIONS: Attribution[] = ['pseudonym', 'name', 'none'];

/**
 * Before anything is recorded: the terms (version and summary), 18+, the licence granted for
 * future contributions, how to be credited, and an optional profile ("prefer not to say" everywhere).
 */
export default function ConsentScreen() {
  const terms = useTerms();
  const consent = useConsent();
  const me = useMe().data;
  if (terms.isPending || consent.isPending) return <Loading />;
  if (terms.isError) return <ErrorText error={terms.error} />;
  if (consent.isError) return <ErrorText error={consent.error} />;
  return <ConsentForm terms={terms.data} previous={consent.data} me={me ?? null} />;
}

function ConsentForm({ terms, previous, me }: { terms: Terms; previous: Consent | null; me: Me | null }) {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [adult, setAdult] = useState(false);
  const [licence, setLicence] = useState<string>(previous?.licence ?? '');
  const [attribution, setAttribution] = useState<Attribution>(previous?.attribution ?? 'pseudonym');
  const [name, setName] = useState(previous?.attribution_name ?? '');
  const [profile, setProfile] = useState(() => draftFrom(me));
  const [profileTouched, setProfileTouched] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const state = consentState(previous, terms);
  const next = safeNext(params.get('next'));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (profileTouched) await updateProfile(profileUpdateFrom(profile));
      const input: ConsentInput = { terms_version: terms.version, adult_confirmed: true, licence: licence as ConsentInput['licence'], attribution };
      if (attribution === 'name') input.attribution_name = name.trim();
      await giveConsent(input);
      await queryClient.invalidateQueries({ queryKey: keys.consent });
      await queryClient.invalidateQueries({ queryKey: keys.me });
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const dateFormat = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'long' });
  return (
    <div className="page narrow consent-page">
      <PageTitle>{t('consent.title')}</PageTitle>
      {state === 'active' && <p className="notice">{t('consent.alreadyActive', { licence: previous?.licence ?? '' })}</p>}
      {state === 'withdrawn' && previous?.withdrawn_at && <p className="notice">{t('consent.wasWithdrawn', { date: dateFormat.format(new Date(previous.withdrawn_at)) })}</p>}
      {state === 'outdated' && <p className="notice">{t('consent.outdated')}</p>}
      <section className="card terms" aria-labelledby="terms-heading" data-testid="terms">
        <h2 id="terms-heading">{t('consent.termsHeading', { version: terms.version })}</h2>
        <p data-testid="terms-summary">{terms.summary}</p>
        <p className="hint">{t('consent.nothingBefore')}</p>
      </section>
      <form className="card form" onSubmit={(e) => void submit(e)} data-testid="consent-form">
        <label className="check">
          <input type="checkbox" required checked={adult} onChange={(e) => setAdult(e.target.checked)} data-testid="consent-adult" />
          <span>{t('consent.adult')}</span>
        </label>
        <fieldset>
          <legend>{t('consent.licence')}</legend>
          <p className="hint">{t('consent.licenceHint')}</p>
          {terms.licences.map((id) => (
            <label key={id} className="radio-card">
              <input type="radio" name="licence" value={id} required checked={licence === id} onChange={() => setLicence(id)} data-testid={`licence-${id}`} />
              <span>
                <strong>{id}</strong>
                {i18n.exists(licenceKey(id)) && <small>{t(licenceKey(id) as 'licences.CC0_1_0')}</small>}
              </span>
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('consent.attribution')}</legend>
          {ATTRIBUTIONS.map((a) => (
            <label key={a} className="radio-card">
              <input type="radio" name="attribution" value={a} checked={attribution === a} onChange={() => setAttribution(a)} data-testid={`attribution-${a}`} />
              <span>
                <strong>{t(`consent.attributions.${a}`)}</strong>
                <small>{t(`consent.attributionHints.${a}`, { handle: me?.handle ?? '' })}</small>
              </span>
            </label>
          ))}
          {attribution === 'name' && (
            <label className="field">
              <span>{t('consent.attributionName')}</span>
              <input required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} data-testid="attribution-name-text" />
            </label>
          )}
        </fieldset>
        <details className="profile-details" data-testid="profile-details">
          <summary>{t('consent.aboutYou')}</summary>
          <p className="hint">{t('consent.aboutYouHint')}</p>
          <ProfileFields
            value={profile}
            onChange={(d) => {
              setProfile(d);
              setProfileTouched(true);
            }}
          />
        </details>
        <ErrorText error={error} testId="consent-error" />
        <button type="submit" className="primary" disabled={busy || invalidLanguages(profile).length > 0} data-testid="consent-submit">
          {t('consent.submit')}
        </button>
      </form>
    </div>
  );
}
