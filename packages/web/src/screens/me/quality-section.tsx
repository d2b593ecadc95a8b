import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getMyQuality } from '../../api/endpoints';
import { keys } from '../../api/queries';
import { ErrorText } from '../../components/error-text';
import { Loading } from '../../components/spinner';
import { formatFixed, formatPercent } from '../../lib/chart';

/**
 * My own quality figures, in plain words: how much my votes count (trust), how I did on the test
 * answers whose verdict is known (gold items), how often I agreed with what others concluded, and
 * what is left of today's feedback. Nobody else's figures are shown here.
 */
export function QualitySection() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage;
  const quality = useQuery({ queryKey: keys.myQuality, queryFn: getMyQuality });
  const number = new Intl.NumberFormat(lang);
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const q = quality.data;
  return (
    <section className="card" aria-labelledby="quality-heading" data-testid="my-quality">
      <h2 id="quality-heading">{t('quality.heading')}</h2>
      <p className="hint">{t('quality.intro')}</p>
      {quality.isPending && <Loading />}
      <ErrorText error={quality.error} />
      {q && (
        <>
          {q.restricted && (
            <p className="banner" role="note" data-testid="quality-restricted">
              {t('quality.restricted')}
            </p>
          )}
          <dl className="stat-grid">
            <div>
              <dt>{t('quality.trust')}</dt>
              <dd data-testid="quality-trust" data-value={q.trust}>
                {formatFixed(q.trust, 2, lang)}
              </dd>
            </div>
            <div>
              <dt>{t('quality.gold')}</dt>
              <dd data-testid="quality-gold" data-correct={q.gold.correct} data-answers={q.gold.answers}>
                {t('quality.ofCount', { part: number.format(q.gold.correct), whole: number.format(q.gold.answers) })}
              </dd>
            </div>
            <div>
              <dt>{t('quality.agreement')}</dt>
              <dd data-testid="quality-agreement" data-value={q.consensus.agreement_rate ?? ''}>
                {formatPercent(q.consensus.agreement_rate, lang)}
              </dd>
            </div>
            <div>
              <dt>{t('quality.todayLeft')}</dt>
              <dd data-testid="quality-remaining">{q.daily_feedback.remaining === null ? t('quality.noCap') : number.format(q.daily_feedback.remaining)}</dd>
            </div>
          </dl>
          <ul className="quality-words" data-testid="quality-words">
            <li>{t('quality.trustExplained', { trust: formatFixed(q.trust, 2, lang) })}</li>
            <li>
              {q.gold.answers === 0
                ? t('quality.goldNone')
                : t('quality.goldExplained', { correct: number.format(q.gold.correct), count: q.gold.answers, answers: number.format(q.gold.answers), accuracy: formatPercent(q.gold.accuracy, lang) })}
            </li>
            <li>
              {q.consensus.votes === 0
                ? t('quality.agreementNone')
                : t('quality.agreementExplained', {
                    agreements: number.format(q.consensus.agreements),
                    count: q.consensus.votes,
                    votes: number.format(q.consensus.votes),
                    rate: formatPercent(q.consensus.agreement_rate, lang),
                  })}
            </li>
            <li>{t('quality.votes', { up: number.format(q.votes.up), down: number.format(q.votes.down) })}</li>
            {q.daily_feedback.cap !== null && <li>{t('quality.cap', { cap: number.format(q.daily_feedback.cap), remaining: number.format(q.daily_feedback.remaining ?? 0) })}</li>}
          </ul>
          <p className="hint" data-testid="quality-computed">
            {q.computed_at === null ? t('quality.notYet') : t('quality.asOf', { date: date.format(new Date(q.computed_at)) })}
          </p>
        </>
      )}
    </section>
  );
}
