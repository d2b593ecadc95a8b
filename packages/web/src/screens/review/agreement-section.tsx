import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getAgreement } from '../../api/endpoints';
import { keys, useCommunities } from '../../api/queries';
import type { AgreementFigure } from '../../api/types';
import { CommunityLanguageFields } from '../../components/community-language-fields';
import { ErrorText } from '../../components/error-text';
import { Loading } from '../../components/spinner';
import { alphaVerdict, formatFixed } from '../../lib/chart';
import { AlphaChart } from './alpha-chart';

const LEVELS = ['nominal', 'ordinal', 'interval', 'ratio'] as const;

/** The alpha to read first: the one at the scale's own level of measurement. */
export const levelAlpha = (f: AgreementFigure): number | null => f.krippendorff[f.level];

/**
 * How much raters agree (reviewers, moderators, admins): for thumbs, overall ratings, comparisons and
 * each rubric question, Krippendorff's alpha at the scale's level and under the other metrics that
 * suit it, Fleiss' and Cohen's kappas, and how many items, raters and judgements they rest on.
 */
export function AgreementSection() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage;
  const communities = useCommunities().data ?? [];
  const [community, setCommunity] = useState('');
  const [language, setLanguage] = useState('');
  const report = useQuery({
    queryKey: [...keys.agreement, community, language],
    queryFn: () => getAgreement({ ...(community !== '' ? { community } : {}), ...(language !== '' ? { language } : {}) }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
  const figures = report.data?.figures ?? [];
  const showCommunity = community === '' && new Set(figures.map((f) => f.community ?? null).filter((c) => c !== null)).size > 1;
  const labelOf = (f: AgreementFigure) => {
    const base = f.subject === 'rubric' ? (f.question ?? f.question_id ?? t('agreement.subjects.rubric')) : t(`agreement.subjects.${f.subject}`);
    const scale = f.subject !== 'rubric' && f.scale_min != null && f.scale_max != null ? ` (${t('leaderboard.scale', { min: f.scale_min, max: f.scale_max })})` : '';
    const where = showCommunity && f.community != null ? ` · ${f.community}` : '';
    return `${base}${scale}${where}`;
  };
  const keyOf = (f: AgreementFigure, i: number) => `${f.subject}-${f.community ?? ''}-${f.question_id ?? ''}-${f.scale_min ?? ''}-${f.scale_max ?? ''}-${i}`;
  const kappa = (v: number | null | undefined) => formatFixed(v, 3, lang);

  return (
    <section aria-labelledby="agreement-heading" className="admin-section" data-testid="agreement-section">
      <h2 id="agreement-heading">{t('agreement.heading')}</h2>
      <p className="hint">{t('agreement.intro')}</p>
      <form className="form-row agreement-filters" onSubmit={(e) => e.preventDefault()} aria-label={t('agreement.filters')}>
        <CommunityLanguageFields
          communities={communities}
          community={community}
          language={language}
          onCommunity={(slug) => {
            setCommunity(slug);
            setLanguage('');
          }}
          onLanguage={setLanguage}
          testIdPrefix="agreement"
        />
      </form>
      {report.isPending && <Loading label={t('agreement.computing')} />}
      <ErrorText error={report.error} testId="agreement-error" />
      {report.isSuccess && figures.length === 0 && (
        <p className="hint" data-testid="agreement-empty">
          {t('agreement.none')}
        </p>
      )}
      {figures.length > 0 && (
        <div className={report.isPlaceholderData ? 'stale' : undefined} aria-busy={report.isFetching}>
          <figure className="card chart-figure">
            <AlphaChart bars={figures.map((f, i) => ({ key: keyOf(f, i), label: labelOf(f), alpha: levelAlpha(f) }))} />
            <figcaption className="hint" data-testid="alpha-explained">
              {t('agreement.thresholds')}
            </figcaption>
          </figure>
          <div className="table-wrap">
            <table className="data-table agreement-table" data-testid="agreement-table">
              <caption className="visually-hidden">{t('agreement.heading')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('agreement.judgement')}</th>
                  <th scope="col">
                    <abbr title={t('agreement.alphaHint')}>{t('agreement.alpha')}</abbr>
                  </th>
                  <th scope="col">{t('agreement.otherAlphas')}</th>
                  <th scope="col">
                    <abbr title={t('agreement.fleissHint')}>{t('agreement.fleiss')}</abbr>
                  </th>
                  <th scope="col">
                    <abbr title={t('agreement.cohenHint')}>{t('agreement.cohen')}</abbr>
                  </th>
                  <th scope="col" className="num">
                    {t('agreement.items')}
                  </th>
                  <th scope="col" className="num">
                    {t('agreement.raters')}
                  </th>
                  <th scope="col" className="num">
                    {t('agreement.ratings')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {figures.map((f, i) => {
                  const alpha = levelAlpha(f);
                  const verdict = alphaVerdict(alpha);
                  const others = LEVELS.filter((l) => l !== f.level && f.krippendorff[l] !== null);
                  return (
                    <tr key={keyOf(f, i)} data-testid="agreement-row" data-subject={f.subject} data-question={f.question_id ?? ''}>
                      <th scope="row">
                        {labelOf(f)}
                        <br />
                        <small className="hint">{t(`agreement.levels.${f.level}`)}</small>
                      </th>
                      <td className="nowrap" data-testid="agreement-alpha" data-value={alpha ?? ''}>
                        <strong className="num-inline">{formatFixed(alpha, 3, lang)}</strong> <span className={`badge badge-alpha-${verdict}`}>{t(`agreement.verdicts.${verdict}`)}</span>
                      </td>
                      <td>
                        {others.length === 0
                          ? '—'
                          : others.map((l) => (
                              <span key={l} className="nowrap metric">
                                {t(`agreement.levels.${l}`)} {formatFixed(f.krippendorff[l], 3, lang)}
                              </span>
                            ))}
                      </td>
                      <td data-testid="agreement-fleiss">
                        {f.fleiss === null ? (
                          '—'
                        ) : (
                          <>
                            <span className="num-inline">{kappa(f.fleiss.kappa)}</span>
                            <br />
                            <small className="hint">{t('agreement.fleissOn', { items: f.fleiss.items, raters: f.fleiss.raters_per_item })}</small>
                          </>
                        )}
                      </td>
                      <td data-testid="agreement-cohen">
                        {f.cohen === null ? (
                          '—'
                        ) : (
                          <>
                            <span className="num-inline">{kappa(f.cohen.kappa)}</span>
                            {(f.cohen.linear !== null || f.cohen.quadratic !== null) && (
                              <>
                                <br />
                                <small className="hint nowrap">{t('agreement.weighted', { linear: kappa(f.cohen.linear), quadratic: kappa(f.cohen.quadratic) })}</small>
                              </>
                            )}
                            <br />
                            <small className="hint">{t('agreement.cohenOn', { count: f.cohen.items })}</small>
                          </>
                        )}
                      </td>
                      <td className="num">{f.items}</td>
                      <td className="num">{f.raters}</td>
                      <td className="num">{f.ratings}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
