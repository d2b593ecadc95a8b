import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { createRelease, getRelease, listReleases, publishRelease, releaseFileUrl } from '../../api/endpoints';
import { keys } from '../../api/queries';
import type { PublishResult, Release } from '../../api/types';
import { ErrorText, useErrorText } from '../../components/error-text';
import { useNotify } from '../../components/notices';
import { Loading } from '../../components/spinner';
import { safeUrl } from '../../lib/safe-url';

const POLL_MS = 1000;
const isBuilding = (r: Release | undefined) => r?.status === 'building';

/** Releases: the list (what each holds, left out and removed; its files), making one, publishing one to the Hub. */
export function ReleaseSection() {
  const { t } = useTranslation();
  const releases = useQuery({
    queryKey: keys.releases,
    queryFn: listReleases,
    // A release being built (here or by another admin) is followed until it is done.
    refetchInterval: (q) => ((q.state.data ?? []).some(isBuilding) ? POLL_MS : false),
  });
  const list = releases.data ?? [];
  return (
    <section aria-labelledby="releases-heading" className="admin-section" data-testid="releases-section">
      <h2 id="releases-heading">{t('admin.releases.heading')}</h2>
      <p className="hint">{t('admin.releases.intro')}</p>
      <ReleaseForm />
      {releases.isPending && <Loading />}
      <ErrorText error={releases.error} />
      {releases.isSuccess && list.length === 0 && <p className="hint">{t('admin.releases.none')}</p>}
      <ul className="release-list" data-testid="release-list">
        {list.map((r) => (
          <ReleaseRow key={r.version} release={r} />
        ))}
      </ul>
    </section>
  );
}

/** "Make a release": an optional version, then the build followed every second until built or failed. */
function ReleaseForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const errorText = useErrorText();
  const [version, setVersion] = useState('');
  const [started, setStarted] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const build = useQuery({
    queryKey: keys.release(started ?? ''),
    queryFn: () => getRelease(started!),
    enabled: started !== null,
    refetchInterval: (q) => (q.state.data === undefined || isBuilding(q.state.data) ? POLL_MS : false),
  });
  const release = started !== null ? build.data : undefined;
  const building = busy || (started !== null && (release === undefined || isBuilding(release)) && !build.isError);

  // Once the build ends: the list and the audit log change; say how it went.
  const status = release?.status;
  useEffect(() => {
    if (release === undefined || status === 'building') return;
    void queryClient.invalidateQueries({ queryKey: keys.releases, exact: true });
    void queryClient.invalidateQueries({ queryKey: keys.audit });
    if (status === 'built') notify(t('admin.releases.built', { version: release.version }));
    else notify(t('admin.releases.failed', { version: release.version, error: release.error ?? '' }), 'error');
  }, [status, release?.version]); // once per outcome

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setStarted(null);
    try {
      const r = await createRelease(version.trim() === '' ? undefined : version.trim());
      queryClient.setQueryData(keys.release(r.version), r);
      queryClient.setQueryData<Release[]>(keys.releases, (list) => [r, ...(list ?? []).filter((x) => x.version !== r.version)]);
      setStarted(r.version);
      setVersion('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const failed = release?.status === 'failed' ? t('admin.releases.failed', { version: release.version, error: release.error ?? '' }) : null;
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby="release-form-heading" aria-busy={building} data-testid="release-create-form">
      <h3 id="release-form-heading">{t('admin.releases.create')}</h3>
      <label className="field">
        <span>{t('admin.releases.version')}</span>
        <input
          value={version}
          onChange={(e) => setVersion(e.target.value)}
          pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}"
          maxLength={64}
          placeholder="2026.11"
          aria-describedby="release-version-hint"
          disabled={building}
          data-testid="release-version"
        />
        <small id="release-version-hint" className="hint">
          {t('admin.releases.versionHint')}
        </small>
      </label>
      <div className="release-result">
        {building && started !== null && <Loading label={t('admin.releases.building', { version: started })} />}
        {release?.status === 'built' && (
          <p className="ok-text" role="status" data-testid="release-built">
            {t('admin.releases.built', { version: release.version })}
          </p>
        )}
        {failed !== null && (
          <p className="error-text" role="alert" data-testid="release-error">
            {failed}
          </p>
        )}
        {error !== null && (
          <p className="error-text" role="alert" data-testid="release-error">
            {errorText(error)}
          </p>
        )}
        {build.isError && <ErrorText error={build.error} testId="release-error" />}
      </div>
      <button type="submit" className="primary" disabled={building} data-testid="release-create">
        {t('admin.releases.submit')}
      </button>
    </form>
  );
}

function ReleaseRow({ release: r }: { release: Release }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.resolvedLanguage);
  const date = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium', timeStyle: 'short' });
  const m = r.manifest;
  const headingId = `release-${r.version}`;
  return (
    <li className="card release" data-testid="release-row" data-version={r.version} data-status={r.status}>
      <div className="release-head">
        <h3 id={headingId}>{r.version}</h3>
        <span className={`badge badge-${r.status}`} data-testid="release-status">
          {t(`admin.releases.status.${r.status}`)}
        </span>
        <time dateTime={r.created_at}>{t('admin.releases.made', { date: date.format(new Date(r.created_at)) })}</time>
        {r.previous_version !== null && <span className="hint">{t('admin.releases.previous', { version: r.previous_version })}</span>}
      </div>
      {r.status === 'building' && <Loading label={t('admin.releases.building', { version: r.version })} />}
      {r.status === 'failed' && (
        <p className="error-text" data-testid="release-row-error">
          {t('admin.releases.failed', { version: r.version, error: r.error ?? '' })}
        </p>
      )}
      {m !== null && (
        <>
          <dl className="stat-grid release-counts">
            {(['conversations', 'messages', 'feedback'] as const).map((k) => (
              <div key={k}>
                <dt>{t(`admin.releases.${k}`)}</dt>
                <dd data-testid={`release-${k}`}>{number.format(m.records[k])}</dd>
              </div>
            ))}
          </dl>
          <dl className="facts">
            <dt>{t('admin.releases.licences')}</dt>
            <dd>
              <Counts counts={m.licences} testId="release-licence" attr="data-licence" nameOf={(k) => k} />
            </dd>
            <dt>{t('admin.releases.unresolvedConversations')}</dt>
            <dd data-testid="release-unresolved-conversations">{number.format(m.excluded.unresolved_licence.conversations)}</dd>
            <dt>{t('admin.releases.unresolvedFeedback')}</dt>
            <dd data-testid="release-unresolved-feedback">{number.format(m.excluded.unresolved_licence.feedback)}</dd>
            <dt>{t('admin.releases.removals')}</dt>
            <dd>
              <Counts counts={m.removals} testId="release-removal" attr="data-reason" nameOf={(k) => t(`admin.releases.removalReasons.${k as 'takedown'}`, { defaultValue: k })} />
            </dd>
          </dl>
          <nav aria-label={t('admin.releases.files')} className="release-files">
            <ul className="export-links">
              {(
                [
                  ['README.md', 'readme'],
                  ['OPENNESS.md', 'openness'],
                  ['manifest.json', 'manifest'],
                ] as const
              ).map(([path, key]) => (
                <li key={path}>
                  <a className="button" href={releaseFileUrl(r.version, path)} download data-testid={`release-file-${key}`}>
                    {t(`admin.releases.${key}`)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        </>
      )}
      {r.status === 'built' && <PublishButton version={r.version} />}
    </li>
  );
}

/** Counts by key as badges ("CC-BY-4.0: 12"), or "(none)". */
function Counts({ counts, testId, attr, nameOf }: { counts: Record<string, number>; testId: string; attr: string; nameOf: (key: string) => string }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.resolvedLanguage);
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return <span className="hint">{t('admin.none')}</span>;
  return (
    <span className="counts">
      {entries.map(([k, n]) => (
        <span key={k} className="badge" data-testid={testId} {...{ [attr]: k }} data-count={n}>
          {nameOf(k)}: {number.format(n)}
        </span>
      ))}
    </span>
  );
}

/** Publishing a built release to the Hugging Face Hub (repository and token from the server's configuration). */
function PublishButton({ version }: { version: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<PublishResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const publish = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await publishRelease(version));
      void queryClient.invalidateQueries({ queryKey: keys.audit });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="inline-form publish">
      <button type="button" onClick={() => void publish()} disabled={busy} data-testid="release-publish">
        {busy ? t('admin.releases.publishing') : t('admin.releases.publish')}
      </button>
      <span role="status" data-testid="release-publish-result">
        {result !== null && (
          <span className="ok-text">
            {result.alreadyPublished ? t('admin.releases.alreadyPublished', { target: result.target }) : t('admin.releases.published', { target: result.target, files: result.files })}
            {result.url !== undefined && safeUrl(result.url).startsWith('http') && (
              <>
                {' '}
                <a href={safeUrl(result.url)} target="_blank" rel="noopener noreferrer">
                  {t('admin.releases.open')}
                </a>
              </>
            )}
          </span>
        )}
      </span>
      <ErrorText error={error} testId="release-publish-error" />
    </div>
  );
}
