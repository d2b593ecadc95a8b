import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { signIn, signUp } from '../../api/endpoints';
import { keys, useAuthProviders, useMe } from '../../api/queries';
import { ErrorText } from '../../components/error-text';
import { PageTitle } from '../../components/layout';
import type { AccountDeletedState } from '../me/delete-account-section';

/** Only paths of this site are followed after signing in (no open redirect through `next`). */
export function safeNext(next: string | null, fallback = '/chat'): string {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}

/** Sign in or create a pseudonymous account: a handle and a password, or the configured OIDC provider. */
export default function SignInScreen({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const providerError = params.get('sign_in_error');
  const deleted = (useLocation().state as Partial<AccountDeletedState> | null)?.accountDeleted;
  const me = useMe();
  const providers = useAuthProviders().data ?? [];
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [handle, setHandle] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const signingUp = mode === 'sign-up';

  if (me.data) return <Navigate to={next} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await (signingUp ? signUp(handle.trim(), password) : signIn(handle.trim(), password));
      await queryClient.resetQueries({ queryKey: keys.me });
      await queryClient.resetQueries({ queryKey: keys.consent });
      navigate(signingUp ? `/consent?next=${encodeURIComponent(next)}` : next, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const other = signingUp ? '/sign-in' : '/sign-up';
  return (
    <div className="page narrow auth-page">
      <PageTitle>{signingUp ? t('auth.signUpTitle') : t('auth.signInTitle')}</PageTitle>
      {deleted !== undefined && (
        <p className="notice" role="status" data-testid="account-deleted-notice">
          {t('auth.accountDeleted', { conversations: deleted.conversations, messages: deleted.messages, feedback: deleted.feedback })}
        </p>
      )}
      <p className="lead">{t('auth.intro')}</p>
      {providerError !== null && (
        <p className="error-text" role="alert" data-testid="provider-error">
          {providerError === 'unavailable' ? t('auth.providerUnavailable') : t('auth.providerFailed')}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} className="card form" data-testid={signingUp ? 'sign-up-form' : 'sign-in-form'}>
        <label className="field">
          <span>{t('auth.handle')}</span>
          <input
            name="handle"
            autoComplete="username"
            required
            minLength={signingUp ? 3 : 1}
            maxLength={32}
            pattern={signingUp ? '[a-z0-9][a-z0-9_\\-]*' : undefined}
            value={handle}
            onChange={(e) => setHandle(e.target.value.toLowerCase())}
            aria-describedby={signingUp ? 'handle-hint' : undefined}
            data-testid="handle"
          />
          {signingUp && (
            <small id="handle-hint" className="hint">
              {t('auth.handleHint')}
            </small>
          )}
        </label>
        <label className="field">
          <span>{t('auth.password')}</span>
          <input
            name="password"
            type="password"
            autoComplete={signingUp ? 'new-password' : 'current-password'}
            required
            minLength={signingUp ? 10 : 1}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-describedby={signingUp ? 'password-hint' : undefined}
            data-testid="password"
          />
          {signingUp && (
            <small id="password-hint" className="hint">
              {t('auth.passwordHint')}
            </small>
          )}
        </label>
        <ErrorText error={error} testId="auth-error" />
        <button type="submit" className="primary" disabled={busy} data-testid="auth-submit">
          {signingUp ? t('auth.signUp') : t('auth.signIn')}
        </button>
      </form>
      {providers.length > 0 && (
        <div className="providers">
          <p className="or">{t('auth.or')}</p>
          {providers.map((p) => (
            <a key={p.id} className="button" href={`${p.startUrl}?return_to=${encodeURIComponent(next)}`} data-testid="oidc-sign-in">
              {t('auth.signInWith', { provider: p.name })}
            </a>
          ))}
        </div>
      )}
      <p className="switch-mode">
        {signingUp ? t('auth.haveAccount') : t('auth.noAccount')}{' '}
        <Link to={`${other}${params.get('next') ? `?next=${encodeURIComponent(next)}` : ''}`} data-testid="auth-switch">
          {signingUp ? t('auth.signIn') : t('auth.signUp')}
        </Link>
      </p>
    </div>
  );
}
