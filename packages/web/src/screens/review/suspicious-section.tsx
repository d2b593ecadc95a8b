import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { listSuspiciousAccounts } from '../../api/endpoints';
import { keys } from '../../api/queries';
import { ErrorText } from '../../components/error-text';
import { Loading } from '../../components/spinner';
import { formatFixed, formatPercent } from '../../lib/chart';
import { EvidenceList } from './evidence';

/**
 * The board of the most suspicious accounts (moderators, admins), by the score the quality checks
 * give them, with their figures and the evidence: which signals fired and why. What to do about one
 * is decided on its item in the moderation queue.
 */
export function SuspiciousSection() {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage;
  const board = useQuery({ queryKey: keys.suspicious, queryFn: () => listSuspiciousAccounts({ limit: 50 }) });
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const accounts = board.data ?? [];
  const computed = accounts.map((a) => a.computed_at).find((c) => c !== null) ?? null;
  return (
    <section aria-labelledby="suspicious-heading" className="admin-section" data-testid="suspicious-section">
      <h2 id="suspicious-heading">{t('suspicious.heading')}</h2>
      <p className="hint">{t('suspicious.intro')}</p>
      {board.isPending && <Loading />}
      <ErrorText error={board.error} />
      {board.isSuccess && accounts.length === 0 && (
        <p className="hint" data-testid="suspicious-empty">
          {t('suspicious.none')}
        </p>
      )}
      {accounts.length > 0 && (
        <>
          {computed !== null && <p className="hint">{t('suspicious.asOf', { date: date.format(new Date(computed)) })}</p>}
          <div className="table-wrap">
            <table className="data-table suspicious-table" data-testid="suspicious-table">
              <caption className="visually-hidden">{t('suspicious.heading')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('suspicious.account')}</th>
                  <th scope="col" className="num">
                    {t('suspicious.score')}
                  </th>
                  <th scope="col" className="num">
                    {t('suspicious.trust')}
                  </th>
                  <th scope="col">{t('suspicious.figures')}</th>
                  <th scope="col">{t('suspicious.evidence')}</th>
                </tr>
              </thead>
              <tbody>
                {accounts.map((a) => {
                  const f = a.figures;
                  return (
                    <tr key={a.contributor_id} data-testid="suspicious-row" data-contributor-id={a.contributor_id}>
                      <th scope="row">
                        @{a.handle}
                        {a.restricted && (
                          <>
                            {' '}
                            <span className="badge badge-failed">{t('suspicious.restricted')}</span>
                          </>
                        )}
                        <br />
                        <small className="hint">{t('suspicious.since', { date: date.format(new Date(a.account_created_at)) })}</small>
                      </th>
                      <td className="num" data-testid="suspicious-score">
                        <strong>{formatFixed(a.score, 2, lang)}</strong>
                      </td>
                      <td className="num">{formatFixed(a.trust, 2, lang)}</td>
                      <td>
                        <ul className="plain-list">
                          <li>{t('suspicious.gold', { correct: f.gold_correct, answers: f.gold_answers })}</li>
                          <li>
                            {t('suspicious.consensus', { agreements: f.consensus_agreements, votes: f.consensus_votes, rate: formatPercent(f.consensus_votes === 0 ? null : f.consensus_agreements / f.consensus_votes, lang) })}
                            {f.agreement_p !== null && <span className="hint"> (p = {f.agreement_p.toExponential(1)})</span>}
                          </li>
                          <li>{t('suspicious.votes', { up: f.votes_up, down: f.votes_down })}</li>
                          {f.cross_account_duplicates + f.repeated_prompts > 0 && (
                            <li>{t('suspicious.duplicates', { cross: f.cross_account_duplicates, accounts: f.duplicate_accounts, own: f.repeated_prompts })}</li>
                          )}
                          {f.flags_received > 0 && <li>{t('suspicious.flags', { count: f.flags_received })}</li>}
                        </ul>
                      </td>
                      <td>
                        <EvidenceList evidence={a.evidence} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
