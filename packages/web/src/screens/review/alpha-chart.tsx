import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useWidth } from '../../components/use-width';
import { ALPHA_RELIABLE, ALPHA_TENTATIVE, alphaDomain, alphaVerdict, formatFixed, linearScale, shorten } from '../../lib/chart';

export interface AlphaBar {
  key: string;
  label: string;
  alpha: number | null;
}

const ROW = 28;
const TOP = 26;
const BOTTOM = 28;

/**
 * Krippendorff's alpha of each judgement as a bar from zero, with reference lines at .667 (tentative
 * conclusions) and .800 (reliable). The bar's colour repeats its verdict; the <desc> and the table
 * beside it give the numbers.
 */
export function AlphaChart({ bars }: { bars: readonly AlphaBar[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage;
  const [ref, width] = useWidth<HTMLDivElement>();
  const titleId = useId();
  const descId = useId();
  const labelWidth = Math.round(Math.min(240, Math.max(100, width * 0.36)));
  const domain = alphaDomain(bars.map((b) => b.alpha));
  const x = linearScale(domain, [labelWidth + 8, Math.max(labelWidth + 60, width - 24)]);
  const bottom = TOP + bars.length * ROW;
  const height = bottom + BOTTOM;
  const ticks: number[] = [];
  for (let v = domain[0]; v <= domain[1] + 1e-9; v += 0.2) ticks.push(Math.round(v * 10) / 10);
  const maxChars = Math.max(6, Math.floor((labelWidth - 12) / 7.4));
  const describe = (b: AlphaBar) => t('agreement.chartItem', { label: b.label, alpha: formatFixed(b.alpha, 3, lang), verdict: t(`agreement.verdicts.${alphaVerdict(b.alpha)}`) });

  return (
    <div className="rating-chart" ref={ref}>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${titleId} ${descId}`} data-testid="alpha-chart">
        <title id={titleId}>{t('agreement.chartTitle')}</title>
        <desc id={descId}>{bars.map(describe).join('; ')}</desc>
        {ticks.map((v) => (
          <g key={v} aria-hidden="true">
            <line className={v === 0 ? 'chart-zero' : 'chart-grid'} x1={x(v)} x2={x(v)} y1={TOP - 4} y2={bottom + 4} />
            <text className="chart-tick" x={x(v)} y={bottom + 20} textAnchor="middle">
              {formatFixed(v, 1, lang)}
            </text>
          </g>
        ))}
        {[ALPHA_TENTATIVE, ALPHA_RELIABLE].map((v) => (
          <g key={v} aria-hidden="true" data-testid="alpha-reference">
            <line className="chart-reference" x1={x(v)} x2={x(v)} y1={TOP - 10} y2={bottom + 4} />
            <text className="chart-tick" x={x(v)} y={TOP - 13} textAnchor={v === ALPHA_RELIABLE ? 'start' : 'end'} dx={v === ALPHA_RELIABLE ? 2 : -2}>
              {formatFixed(v, 3, lang)}
            </text>
          </g>
        ))}
        {bars.map((b, i) => {
          const y = TOP + i * ROW;
          const verdict = alphaVerdict(b.alpha);
          const from = x(Math.min(0, b.alpha ?? 0));
          const to = x(Math.max(0, b.alpha ?? 0));
          return (
            <g key={b.key} data-testid="alpha-bar" data-alpha={b.alpha ?? ''} data-verdict={verdict}>
              <title>{describe(b)}</title>
              <text className="chart-label" x={labelWidth - 4} y={y + ROW / 2 + 5} textAnchor="end">
                {shorten(b.label, maxChars)}
              </text>
              {b.alpha === null ? (
                <text className="chart-tick" x={x(0) + 6} y={y + ROW / 2 + 5}>
                  {t('agreement.verdicts.undefined')}
                </text>
              ) : (
                <rect className={`alpha-bar alpha-${verdict}`} x={from} y={y + 6} width={Math.max(1.5, to - from)} height={ROW - 12} rx={3} />
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}
