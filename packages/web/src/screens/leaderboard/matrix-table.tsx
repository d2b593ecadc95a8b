import { useTranslation } from 'react-i18next';
import type { LeaderboardReport } from '../../api/types';
import { countBackground, formatPercent, heatBackground } from '../../lib/chart';

export type MatrixMode = 'win_rate' | 'battles';

/**
 * The head-to-head matrix as a real table: the model of each row against the model of each column,
 * the share of battles it won (a heatmap: the colour is the cell's background, the number is in it)
 * or how many battles they had. Blank where two models never met.
 */
export function MatrixTable({ report, mode }: { report: LeaderboardReport; mode: MatrixMode }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.resolvedLanguage);
  const names = report.models.map((key) => report.rows.find((r) => r.model.key === key)?.model.name ?? key);
  const maxCount = Math.max(0, ...report.battle_counts.flat());
  const caption = mode === 'win_rate' ? t('leaderboard.winRateCaption') : t('leaderboard.countCaption');
  return (
    <>
      <p className="hint matrix-caption" aria-hidden="true">
        {caption}
      </p>
      <div className="table-wrap">
        <table className={`matrix matrix-${mode}`} data-testid={mode === 'win_rate' ? 'winrate-matrix' : 'count-matrix'}>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <td className="matrix-corner">
                <span className="hint">{t('leaderboard.rowVsColumn')}</span>
              </td>
              {names.map((name, j) => (
                <th key={report.models[j]} scope="col" title={name}>
                  <span className="matrix-col">{name}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {names.map((rowName, i) => (
              <tr key={report.models[i]} data-testid="matrix-row" data-model-key={report.models[i]}>
                <th scope="row">{rowName}</th>
                {names.map((colName, j) => {
                  const count = report.battle_counts[i]?.[j] ?? 0;
                  if (i === j) {
                    return (
                      <td key={j} className="matrix-diag" data-testid="matrix-cell" data-row={i} data-col={j} data-value="">
                        <span aria-hidden="true">·</span>
                      </td>
                    );
                  }
                  if (mode === 'battles') {
                    const bg = countBackground(count, maxCount);
                    return (
                      <td key={j} className="num" style={bg === undefined ? undefined : { background: bg }} data-testid="matrix-cell" data-row={i} data-col={j} data-value={count}>
                        {count > 0 ? number.format(count) : <span className="visually-hidden">{t('leaderboard.neverMet')}</span>}
                      </td>
                    );
                  }
                  const rate = report.win_rate[i]?.[j] ?? null;
                  const bg = heatBackground(rate);
                  return (
                    <td
                      key={j}
                      className="num"
                      style={bg === undefined ? undefined : { background: bg }}
                      title={rate === null ? `${rowName} — ${colName}: ${t('leaderboard.neverMet')}` : t('leaderboard.cellTitle', { row: rowName, col: colName, rate: formatPercent(rate, i18n.resolvedLanguage), count })}
                      data-testid="matrix-cell"
                      data-row={i}
                      data-col={j}
                      data-value={rate ?? ''}
                    >
                      {rate === null ? <span className="visually-hidden">{t('leaderboard.neverMet')}</span> : formatPercent(rate, i18n.resolvedLanguage)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {mode === 'win_rate' && (
        <div className="heat-legend" aria-hidden="true">
          <span>{t('leaderboard.legendLoss')}</span>
          <span className="heat-scale">
            {[0, 0.5, 1].map((x) => (
              <span key={x}>{formatPercent(x, i18n.resolvedLanguage)}</span>
            ))}
          </span>
          <span>{t('leaderboard.legendWin')}</span>
        </div>
      )}
    </>
  );
}
