import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { LeaderboardRow } from '../../api/types';
import { useWidth } from '../../components/use-width';
import { linearScale, ratingAxis, shorten } from '../../lib/chart';

const ROW = 30;
const TOP = 12;
const BOTTOM = 40;
const RIGHT = 18;

/**
 * Each model's rating as a dot on one shared axis, with its 95 % interval as a bar: a picture of who
 * is ahead and how sure that is (overlapping bars: not clearly apart). Drawn by hand in SVG, at the
 * width it is shown; its <title> and <desc> say the same in words, and the table below holds the numbers.
 */
export function RatingChart({ rows, anchor }: { rows: readonly LeaderboardRow[]; anchor: number | null }) {
  const { t, i18n } = useTranslation();
  const [ref, width] = useWidth<HTMLDivElement>();
  const titleId = useId();
  const descId = useId();
  const whole = new Intl.NumberFormat(i18n.resolvedLanguage, { maximumFractionDigits: 0 });
  const labelWidth = Math.round(Math.min(220, Math.max(96, width * 0.34)));
  const axis = ratingAxis(rows, width < 480 ? 4 : 6);
  const x = linearScale([axis.min, axis.max], [labelWidth + 8, Math.max(labelWidth + 40, width - RIGHT)]);
  const height = TOP + rows.length * ROW + BOTTOM;
  const bottom = TOP + rows.length * ROW;
  const maxChars = Math.max(6, Math.floor((labelWidth - 12) / 7.4));
  const interval = (r: LeaderboardRow) => t('leaderboard.intervalText', { lower: whole.format(r.lower), upper: whole.format(r.upper) });
  const description = rows.map((r) => t('leaderboard.chartItem', { rank: r.rank, name: r.model.name, rating: whole.format(r.rating), interval: interval(r) })).join('; ');

  return (
    <div className="rating-chart" ref={ref}>
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        data-testid="rating-chart"
      >
        <title id={titleId}>{t('leaderboard.chartTitle')}</title>
        <desc id={descId}>{description}</desc>
        {rows.map((r, i) => (i % 2 === 1 ? <rect key={`band-${r.model.key}`} className="chart-band" x={0} y={TOP + i * ROW} width={width} height={ROW} /> : null))}
        {axis.ticks.map((tick) => (
          <g key={tick} aria-hidden="true">
            <line className="chart-grid" x1={x(tick)} x2={x(tick)} y1={TOP - 4} y2={bottom + 4} />
            <text className="chart-tick" x={x(tick)} y={bottom + 18} textAnchor="middle">
              {whole.format(tick)}
            </text>
          </g>
        ))}
        {anchor !== null && anchor >= axis.min && anchor <= axis.max && (
          <line className="chart-anchor" x1={x(anchor)} x2={x(anchor)} y1={TOP - 4} y2={bottom + 4} aria-hidden="true" />
        )}
        <text className="chart-axis-title" x={(labelWidth + width) / 2} y={bottom + 35} textAnchor="middle" aria-hidden="true">
          {t('leaderboard.axis')}
        </text>
        {rows.map((r, i) => {
          const y = TOP + i * ROW + ROW / 2;
          const lo = x(r.lower);
          const hi = x(r.upper);
          return (
            <g key={r.model.key} data-testid="rating-point" data-model-key={r.model.key} data-rating={r.rating} data-lower={r.lower} data-upper={r.upper}>
              <title>{t('leaderboard.chartItem', { rank: r.rank, name: r.model.name, rating: whole.format(r.rating), interval: interval(r) })}</title>
              <text className="chart-label" x={labelWidth - 4} y={y + 5} textAnchor="end">
                <tspan className="chart-rank">{r.rank}</tspan> {shorten(r.model.name, maxChars)}
              </text>
              <line className="chart-interval" x1={lo} x2={hi} y1={y} y2={y} data-testid="rating-interval" />
              <line className="chart-cap" x1={lo} x2={lo} y1={y - 6} y2={y + 6} />
              <line className="chart-cap" x1={hi} x2={hi} y1={y - 6} y2={y + 6} />
              <circle className="chart-dot" cx={x(r.rating)} cy={y} r={5.5} />
            </g>
          );
        })}
      </svg>
    </div>
  );
}
