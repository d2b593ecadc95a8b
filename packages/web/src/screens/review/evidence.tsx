import { useTranslation } from 'react-i18next';
import { formatFixed } from '../../lib/chart';

/** Every signal the quality checks and flags raise (the queue's and the suspicious board's). */
export const SIGNALS = ['flag', 'against_consensus', 'gold_failures', 'one_sided', 'cross_account_duplicates', 'repeated_prompts', 'flagged_content'] as const;
type Signal = (typeof SIGNALS)[number];
const isSignal = (s: unknown): s is Signal => typeof s === 'string' && (SIGNALS as readonly string[]).includes(s);
const FLAG_REASONS = ['spam', 'pii', 'unsafe', 'off_topic', 'other'] as const;

export function SignalBadge({ signal }: { signal: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-signal-${signal}`} data-testid="signal-badge">
      {isSignal(signal) ? t(`moderation.signals.${signal}`) : signal}
    </span>
  );
}

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * What raised an item, in words: for flags, the reasons counted; for the quality signals, the
 * server's sentence with the numbers (in English), the points it adds to the score, and the
 * conversations and accounts behind it.
 */
export function EvidenceList({ evidence, flag = false }: { evidence: readonly Record<string, unknown>[]; flag?: boolean }) {
  const { t, i18n } = useTranslation();
  if (evidence.length === 0) return null;
  return (
    <ul className="evidence-list" data-testid="evidence">
      {evidence.map((e, i) => {
        if (flag) {
          const reasons = (typeof e.reasons === 'object' && e.reasons !== null ? e.reasons : {}) as Record<string, number>;
          const entries = Object.entries(reasons).filter(([, n]) => typeof n === 'number' && n > 0);
          return (
            <li key={i}>
              {entries.length === 0
                ? t('moderation.flagsWithdrawn')
                : entries.map(([reason, n]) => (
                    <span key={reason} className="badge">
                      {(FLAG_REASONS as readonly string[]).includes(reason) ? t(`feedback.flags.${reason as 'spam'}`) : reason} × {n}
                    </span>
                  ))}
            </li>
          );
        }
        const conversations = ids(e.conversation_ids);
        const accounts = ids(e.accounts);
        return (
          <li key={i}>
            {isSignal(e.signal) && <strong>{t(`moderation.signals.${e.signal}`)}: </strong>}
            {typeof e.detail === 'string' && <span lang="en">{e.detail}</span>}
            {typeof e.points === 'number' && <span className="hint"> ({t('moderation.points', { points: formatFixed(e.points, 2, i18n.resolvedLanguage) })})</span>}
            {conversations.length > 0 && (
              <details className="evidence-ids">
                <summary>{t('moderation.conversations', { count: conversations.length })}</summary>
                {conversations.map((c) => (
                  <code key={c}>{c}</code>
                ))}
              </details>
            )}
            {accounts.length > 0 && (
              <details className="evidence-ids">
                <summary>{t('moderation.otherAccounts', { count: accounts.length })}</summary>
                {accounts.map((a) => (
                  <code key={a}>{a}</code>
                ))}
              </details>
            )}
          </li>
        );
      })}
    </ul>
  );
}
