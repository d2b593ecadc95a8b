import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getPoolStats } from '../../api/endpoints';
import { keys, useCommunities, useModels } from '../../api/queries';
import { ErrorText } from '../../components/error-text';
import { Loading } from '../../components/spinner';

interface Count {
  key: string | null;
  count: number;
}

/** A bar chart that is a table: readable by screen readers, sortable by eye. */
function BarTable({ title, rows, nameOf, testId }: { title: string; rows: readonly Count[]; nameOf: (key: string | null) => string; testId: string }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.resolvedLanguage);
  const max = Math.max(1, ...rows.map((r) => r.count));
  const sorted = [...rows].sort((a, b) => b.count - a.count);
  return (
    <figure className="bar-table" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {sorted.length === 0 ? (
        <p className="hint">{t('admin.noData')}</p>
      ) : (
        <table>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.key ?? '∅'}>
                <th scope="row">{nameOf(r.key)}</th>
                <td className="bar-cell">
                  <span className="bar" style={{ width: `${(100 * r.count) / max}%` }} aria-hidden="true" />
                </td>
                <td className="num">{number.format(r.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}

/** The pool in numbers: totals, and feedback per kind, community, model and language. */
export function StatsSection() {
  const { t, i18n } = useTranslation();
  const stats = useQuery({ queryKey: keys.poolStats, queryFn: getPoolStats });
  const communities = useCommunities().data ?? [];
  const models = useModels().data ?? [];
  const number = new Intl.NumberFormat(i18n.resolvedLanguage);
  const s = stats.data;
  const none = t('admin.none');
  return (
    <section aria-labelledby="stats-heading" className="admin-section" data-testid="pool-stats">
      <h2 id="stats-heading">{t('admin.stats')}</h2>
      {stats.isPending && <Loading />}
      <ErrorText error={stats.error} />
      {s && (
        <>
          <dl className="stat-grid">
            {(['contributors', 'consented_contributors', 'communities', 'models', 'conversations', 'messages', 'feedback'] as const).map((k) => (
              <div key={k}>
                <dt>{t(`admin.totals.${k}`)}</dt>
                <dd data-testid={`pool-${k}`}>{number.format(s[k])}</dd>
              </div>
            ))}
          </dl>
          <div className="charts">
            <BarTable title={t('admin.byKind')} rows={s.feedback_by_kind} nameOf={(k) => (k === null ? none : t(`kinds.${k as 'thumbs'}`, { defaultValue: k }))} testId="chart-kind" />
            <BarTable title={t('admin.byCommunity')} rows={s.feedback_by_community} nameOf={(k) => communities.find((c) => c.id === k)?.name ?? k ?? none} testId="chart-community" />
            <BarTable title={t('admin.byModel')} rows={s.feedback_by_model} nameOf={(k) => models.find((m) => m.id === k)?.name ?? k ?? none} testId="chart-model" />
            <BarTable title={t('admin.byLanguage')} rows={s.feedback_by_language} nameOf={(k) => k ?? none} testId="chart-language" />
          </div>
        </>
      )}
    </section>
  );
}
