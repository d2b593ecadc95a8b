import { useTranslation } from 'react-i18next';
import type { LeaderboardReport, RubricSummaryRow } from '../../api/types';
import { formatFixed } from '../../lib/chart';

interface Question {
  /** Two communities may use one question id: the key is both. */
  key: string;
  id: string;
  community: string | null;
  text: string;
  min: number;
  max: number;
}

const questionKey = (r: RubricSummaryRow) => `${r.community ?? ''}\u0000${r.question_id}`;

/**
 * The rubric summary: for each model (in leaderboard order) and rubric question, the mean score of
 * its answers with a 95 % interval and the number of ratings; a small bar places the mean and the
 * interval on the question's scale.
 */
export function RubricTable({ report }: { report: LeaderboardReport }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage;
  const questions: Question[] = [];
  for (const r of report.rubric) {
    const key = questionKey(r);
    if (!questions.some((q) => q.key === key)) questions.push({ key, id: r.question_id, community: r.community ?? null, text: r.question, min: r.scale_min, max: r.scale_max });
  }
  const named = new Map(report.rubric.filter((r) => r.model_name !== undefined).map((r) => [r.model, r.model_name!] as const));
  const nameOf = (key: string) => report.rows.find((r) => r.model.key === key || r.model.slug === key)?.model.name ?? named.get(key) ?? key;
  const showCommunity = report.community === null && new Set(questions.map((q) => q.community)).size > 1;
  const order = (key: string) => {
    const i = report.rows.findIndex((r) => r.model.key === key || r.model.slug === key);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  const models = [...new Set(report.rubric.map((r) => r.model))].sort((a, b) => order(a) - order(b) || nameOf(a).localeCompare(nameOf(b)));
  const cell = (model: string, q: Question): RubricSummaryRow | undefined => report.rubric.find((r) => r.model === model && questionKey(r) === q.key);

  return (
    <div className="table-wrap">
      <table className="data-table rubric-table" data-testid="rubric-table">
        <caption className="visually-hidden">{t('leaderboard.rubricHeading')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('leaderboard.model')}</th>
            {questions.map((q) => (
              <th key={q.key} scope="col">
                {q.text}
                <br />
                <small className="hint">
                  {t('leaderboard.scale', { min: q.min, max: q.max })}
                  {showCommunity && q.community !== null && ` · ${q.community}`}
                </small>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {models.map((m) => (
            <tr key={m} data-testid="rubric-row" data-model={m}>
              <th scope="row">{nameOf(m)}</th>
              {questions.map((q) => {
                const r = cell(m, q);
                if (r === undefined)
                  return (
                    <td key={q.key} className="hint">
                      —
                    </td>
                  );
                const span = r.scale_max - r.scale_min || 1;
                const at = (v: number) => `${(100 * (Math.min(r.scale_max, Math.max(r.scale_min, v)) - r.scale_min)) / span}%`;
                return (
                  <td key={q.key} data-testid="rubric-cell" data-question={q.id} data-mean={r.mean}>
                    <strong className="num-inline">{formatFixed(r.mean, 2, lang)}</strong>{' '}
                    {r.lower !== null && r.upper !== null && (
                      <span className="hint">
                        {t('leaderboard.intervalText', { lower: formatFixed(r.lower, 2, lang), upper: formatFixed(r.upper, 2, lang) })}
                      </span>
                    )}
                    <br />
                    <small className="hint">{t('leaderboard.ratingsCount', { count: r.ratings })}</small>
                    <span className="mean-bar" aria-hidden="true">
                      {r.lower !== null && r.upper !== null && <span className="mean-bar-interval" style={{ left: at(r.lower), width: `calc(${at(r.upper)} - ${at(r.lower)})` }} />}
                      <span className="mean-bar-dot" style={{ left: at(r.mean) }} />
                    </span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
