import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { getLeaderboard } from '../../api/endpoints';
import { keys, useCommunities } from '../../api/queries';
import type { LeaderboardReport, PromptCategory } from '../../api/types';
import { CommunityLanguageFields } from '../../components/community-language-fields';
import { ErrorText } from '../../components/error-text';
import { PageTitle } from '../../components/layout';
import { Loading } from '../../components/spinner';
import { MatrixTable, type MatrixMode } from './matrix-table';
import { RatingChart } from './rating-chart';
import { RubricTable } from './rubric-table';

export const CATEGORIES: readonly PromptCategory[] = ['overall', 'coding', 'math', 'longer_query', 'multi_turn'];
const ROUNDS = [0, 50, 100, 200, 500, 1000] as const;
const DEFAULT_ROUNDS = 100;

/** The filters, kept in the address so that a leaderboard can be linked to. */
function useFilters() {
  const [params, setParams] = useSearchParams();
  const category = params.get('category');
  const rounds = Number(params.get('bootstrap') ?? DEFAULT_ROUNDS);
  const filters = {
    community: params.get('community') ?? '',
    language: params.get('language') ?? '',
    category: (CATEGORIES as readonly string[]).includes(category ?? '') ? (category as PromptCategory) : 'overall',
    bootstrap: Number.isInteger(rounds) && rounds >= 0 && rounds <= 1000 ? rounds : DEFAULT_ROUNDS,
    /** A model (slug, or key for an imported name) whose rating is fixed at 1000; '' for the mean at 1000. */
    anchor: params.get('anchor') ?? '',
  };
  const set = (patch: Partial<typeof filters>) => {
    const next = { ...filters, ...patch };
    const out = new URLSearchParams();
    if (next.community !== '') out.set('community', next.community);
    if (next.language !== '') out.set('language', next.language);
    if (next.category !== 'overall') out.set('category', next.category);
    if (next.bootstrap !== DEFAULT_ROUNDS) out.set('bootstrap', String(next.bootstrap));
    if (next.anchor !== '') out.set('anchor', next.anchor);
    setParams(out, { replace: true, state: { keepFocus: true } });
  };
  return [filters, set] as const;
}

/**
 * The public leaderboard: models ranked by the blind arena's votes (Bradley-Terry, 95 % bootstrap
 * intervals), for a community, a language and a kind of prompt; the head-to-head matrices and the
 * rubric means. Open to everyone, signed in or not.
 */
export default function LeaderboardScreen() {
  const { t, i18n } = useTranslation();
  const communities = useCommunities().data ?? [];
  const [filters, setFilters] = useFilters();
  const [mode, setMode] = useState<MatrixMode>('win_rate');
  const ids = { category: useId(), rounds: useId(), anchor: useId() };
  const report = useQuery({
    queryKey: [...keys.leaderboard, filters],
    queryFn: () =>
      getLeaderboard({
        ...(filters.community !== '' ? { community: filters.community } : {}),
        ...(filters.language !== '' ? { language: filters.language } : {}),
        category: filters.category,
        bootstrap: filters.bootstrap,
        ...(filters.anchor !== '' ? { anchor: filters.anchor } : {}),
      }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const data = report.data;
  // The models of the last report, and the chosen anchor even before a report names it.
  const anchors = [...(data?.rows ?? []).map((r) => ({ value: r.model.slug ?? r.model.key, name: r.model.name }))];
  if (filters.anchor !== '' && !anchors.some((a) => a.value === filters.anchor)) anchors.push({ value: filters.anchor, name: filters.anchor });
  const updating = report.isFetching && report.isPlaceholderData;

  return (
    <div className="page leaderboard-page">
      <PageTitle>{t('leaderboard.title')}</PageTitle>
      <p className="lead">{t('leaderboard.intro')}</p>

      <form className="card leaderboard-filters" onSubmit={(e) => e.preventDefault()} aria-label={t('leaderboard.filters')} data-testid="leaderboard-filters">
        <div className="form-row">
          <CommunityLanguageFields
            communities={communities}
            community={filters.community}
            language={filters.language}
            onCommunity={(slug) => setFilters({ community: slug, language: '', anchor: '' })}
            onLanguage={(language) => setFilters({ language })}
            testIdPrefix="leaderboard"
          />
          <label className="field" htmlFor={ids.category}>
            <span>{t('leaderboard.category')}</span>
            <select id={ids.category} value={filters.category} onChange={(e) => setFilters({ category: e.target.value as PromptCategory })} data-testid="leaderboard-category">
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`leaderboard.categories.${c}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <details className="leaderboard-options">
          <summary>{t('leaderboard.options')}</summary>
          <label className="field" htmlFor={ids.rounds}>
            <span>{t('leaderboard.bootstrap')}</span>
            <select id={ids.rounds} value={filters.bootstrap} onChange={(e) => setFilters({ bootstrap: Number(e.target.value) })} aria-describedby={`${ids.rounds}-hint`} data-testid="leaderboard-bootstrap">
              {[...new Set([...ROUNDS, filters.bootstrap])].sort((a, b) => a - b).map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
            <small id={`${ids.rounds}-hint`} className="hint">
              {t('leaderboard.bootstrapHint')}
            </small>
          </label>
          <label className="field" htmlFor={ids.anchor}>
            <span>{t('leaderboard.anchor')}</span>
            <select id={ids.anchor} value={filters.anchor} onChange={(e) => setFilters({ anchor: e.target.value })} aria-describedby={`${ids.anchor}-hint`} data-testid="leaderboard-anchor">
              <option value="">{t('leaderboard.noAnchor')}</option>
              {anchors.map((m) => (
                <option key={m.value} value={m.value}>
                  {m.name}
                </option>
              ))}
            </select>
            <small id={`${ids.anchor}-hint`} className="hint">
              {t('leaderboard.anchorHint')}
            </small>
          </label>
        </details>
      </form>

      {report.isPending && <Loading label={t('leaderboard.computing')} />}
      <ErrorText error={report.error} testId="leaderboard-error" />
      {updating && <Loading label={t('leaderboard.updating')} />}
      {data !== undefined && (
        <div className={updating ? 'leaderboard-body stale' : 'leaderboard-body'} aria-busy={updating} data-testid="leaderboard-body">
          <Report report={data} mode={mode} onMode={setMode} locale={i18n.resolvedLanguage} />
        </div>
      )}
    </div>
  );
}

function Report({ report, mode, onMode, locale }: { report: LeaderboardReport; mode: MatrixMode; onMode: (m: MatrixMode) => void; locale: string | undefined }) {
  const { t } = useTranslation();
  const number = new Intl.NumberFormat(locale);
  const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const empty = report.rows.length === 0 || report.battles === 0;

  return (
    <>
      <p className="hint leaderboard-summary" data-testid="leaderboard-summary">
        {t('leaderboard.votes', { count: report.battles, formatted: number.format(report.battles) })}
        {report.ignored > 0 && ` · ${t('leaderboard.ignored', { count: report.ignored, formatted: number.format(report.ignored) })}`}
        {` · ${report.bootstrap_rounds > 0 ? t('leaderboard.rounds', { count: report.bootstrap_rounds }) : t('leaderboard.noRounds')}`}
        {' · '}
        <time dateTime={report.generated_at}>{t('leaderboard.generated', { date: date.format(new Date(report.generated_at)) })}</time>
      </p>

      {empty ? (
        <section className="card empty-state" data-testid="leaderboard-empty">
          <h2>{t('leaderboard.empty')}</h2>
          <p>{t('leaderboard.emptyHint')}</p>
          <Link className="button primary-link" to="/arena" data-testid="leaderboard-go-arena">
            {t('leaderboard.goArena')}
          </Link>
        </section>
      ) : (
        <>
          {!report.connected && (
            <p className="banner" role="note" data-testid="leaderboard-disconnected">
              {t('leaderboard.notConnected')}
            </p>
          )}
          <section className="card" aria-labelledby="ratings-heading">
            <h2 id="ratings-heading">{t('leaderboard.ratingsHeading')}</h2>
            <RatingChart rows={report.rows} anchor={report.anchor?.rating ?? (report.rows.length > 1 ? 1000 : null)} />
            <p className="hint">{t('leaderboard.chartHint')}</p>
            <div className="table-wrap">
              <table className="data-table leaderboard-table" data-testid="leaderboard-table">
                <caption className="visually-hidden">{t('leaderboard.tableCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="num">
                      <abbr title={t('leaderboard.rankHint')}>{t('leaderboard.rank')}</abbr>
                    </th>
                    <th scope="col">{t('leaderboard.model')}</th>
                    <th scope="col" className="num">
                      {t('leaderboard.rating')}
                    </th>
                    <th scope="col" className="num">
                      {t('leaderboard.interval')}
                    </th>
                    <th scope="col" className="num">
                      {t('leaderboard.battles')}
                    </th>
                    <th scope="col" className="num">
                      <abbr title={t('leaderboard.wtlHint')}>{t('leaderboard.wtl')}</abbr>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {report.rows.map((r) => (
                    <tr key={r.model.key} data-testid="leaderboard-row" data-model-key={r.model.key} data-model-slug={r.model.slug ?? ''}>
                      <td className="num" data-testid="leaderboard-rank">
                        {r.rank}
                      </td>
                      <th scope="row" data-testid="leaderboard-model">
                        {r.model.name}
                      </th>
                      <td className="num" data-testid="leaderboard-rating">
                        <strong>{whole.format(r.rating)}</strong>
                      </td>
                      <td className="num nowrap" data-testid="leaderboard-interval">
                        {t('leaderboard.intervalText', { lower: whole.format(r.lower), upper: whole.format(r.upper) })}
                      </td>
                      <td className="num" data-testid="leaderboard-battles">
                        {number.format(r.battles)}
                      </td>
                      <td className="num nowrap" data-testid="leaderboard-wtl">
                        {number.format(r.wins)}/{number.format(r.ties)}/{number.format(r.losses)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          {report.rows.length > 1 && (
            <section className="card" aria-labelledby="matrix-heading">
              <div className="section-head">
                <h2 id="matrix-heading">{t('leaderboard.matrixHeading')}</h2>
                <div className="segmented" role="group" aria-label={t('leaderboard.show')}>
                  {(['win_rate', 'battles'] as const).map((m) => (
                    <button key={m} type="button" aria-pressed={mode === m} onClick={() => onMode(m)} data-testid={`matrix-mode-${m}`}>
                      {m === 'win_rate' ? t('leaderboard.winRates') : t('leaderboard.battleCounts')}
                    </button>
                  ))}
                </div>
              </div>
              <MatrixTable report={report} mode={mode} />
            </section>
          )}
        </>
      )}

      <section className="card" aria-labelledby="rubric-heading" data-testid="rubric-section">
        <h2 id="rubric-heading">{t('leaderboard.rubricHeading')}</h2>
        {report.rubric.length === 0 ? (
          <p className="hint" data-testid="rubric-empty">
            {t('leaderboard.rubricNone')}
          </p>
        ) : (
          <>
            <p className="hint">{t('leaderboard.rubricIntro')}</p>
            <RubricTable report={report} />
          </>
        )}
      </section>
    </>
  );
}
