import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { decideModerationItem, listModerationQueue, listSuspiciousAccounts, runQualityPass } from '../../api/endpoints';
import { keys } from '../../api/queries';
import type { ModerationDecisionKind, ModerationItem, ModerationStatus } from '../../api/types';
import { ErrorText } from '../../components/error-text';
import { useReasonedDecision } from '../../components/use-reasoned-decision';
import { useNotify } from '../../components/notices';
import { Loading } from '../../components/spinner';
import { ReportedText } from '../admin/takedown-section';
import { EvidenceList, SignalBadge } from './evidence';

const STATUSES: readonly ModerationStatus[] = ['open', 'dismissed', 'removed', 'restricted'];

/**
 * The moderation queue: conversations others flagged and accounts the quality checks point at,
 * oldest first, each decided with a logged reason. Reviewers may dismiss; removing content and
 * restricting an account are for moderators and admins.
 */
export function ModerationSection({ canModerate }: { canModerate: boolean }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const statusId = useId();
  const [status, setStatus] = useState<ModerationStatus>('open');
  const [passing, setPassing] = useState(false);
  const [passError, setPassError] = useState<unknown>(null);
  const queue = useInfiniteQuery({
    queryKey: [...keys.moderation, status],
    queryFn: ({ pageParam }) => listModerationQueue({ status, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = queue.data?.pages.flatMap((p) => p.items) ?? [];
  // Moderators also read the suspicious board (the same query as its section): it names the accounts by handle.
  const board = useQuery({ queryKey: keys.suspicious, queryFn: () => listSuspiciousAccounts({ limit: 50 }), enabled: canModerate });
  const handles = new Map((board.data ?? []).map((a) => [a.contributor_id, a.handle] as const));
  const number = new Intl.NumberFormat(i18n.resolvedLanguage);

  const decided = (item: ModerationItem) => {
    notify(t(`moderation.done.${item.status as Exclude<ModerationStatus, 'open'>}`));
    headingRef.current?.focus();
    void queryClient.invalidateQueries({ queryKey: keys.moderation });
    void queryClient.invalidateQueries({ queryKey: keys.suspicious });
    void queryClient.invalidateQueries({ queryKey: keys.audit });
  };

  const pass = async () => {
    setPassing(true);
    setPassError(null);
    try {
      const r = await runQualityPass();
      notify(t('moderation.passDone', { contributors: number.format(r.contributors), raised: number.format(r.moderation_items_raised) }));
      void queryClient.invalidateQueries({ queryKey: keys.moderation });
      void queryClient.invalidateQueries({ queryKey: keys.suspicious });
      void queryClient.invalidateQueries({ queryKey: keys.agreement });
    } catch (e) {
      setPassError(e);
    } finally {
      setPassing(false);
    }
  };

  return (
    <section aria-labelledby="moderation-heading" className="admin-section" data-testid="moderation-section">
      <h2 id="moderation-heading" ref={headingRef} tabIndex={-1}>
        {t('moderation.heading')}
        {status === 'open' && items.length > 0 && <span className="badge count-badge">{items.length}</span>}
      </h2>
      <p className="hint">{canModerate ? t('moderation.intro') : t('moderation.introReviewer')}</p>
      <div className="inline-form toolbar">
        <label className="field inline" htmlFor={statusId}>
          <span>{t('moderation.status')}</span>
          <select id={statusId} value={status} onChange={(e) => setStatus(e.target.value as ModerationStatus)} data-testid="moderation-status">
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`moderation.statuses.${s}`)}
              </option>
            ))}
          </select>
        </label>
        {canModerate && (
          <button type="button" onClick={() => void pass()} disabled={passing} data-testid="quality-pass">
            {passing ? t('moderation.passRunning') : t('moderation.runPass')}
          </button>
        )}
      </div>
      <ErrorText error={passError} />
      {queue.isPending && <Loading />}
      <ErrorText error={queue.error} />
      {queue.isSuccess && items.length === 0 && (
        <p className="hint" data-testid="moderation-empty">
          {status === 'open' ? t('moderation.none') : t('moderation.noneDecided')}
        </p>
      )}
      <ul className="takedown-list" data-testid="moderation-list">
        {items.map((item) => (
          <ModerationRow key={item.id} item={item} handle={item.contributor_id === null ? undefined : handles.get(item.contributor_id)} canModerate={canModerate} onDecided={decided} onStale={() => void queue.refetch()} />
        ))}
      </ul>
      {queue.hasNextPage && (
        <button type="button" onClick={() => void queue.fetchNextPage()} disabled={queue.isFetchingNextPage}>
          {t('common.loadMore')}
        </button>
      )}
    </section>
  );
}

function ModerationRow({
  item,
  handle,
  canModerate,
  onDecided,
  onStale,
}: {
  item: ModerationItem;
  handle: string | undefined;
  canModerate: boolean;
  onDecided: (i: ModerationItem) => void;
  onStale: () => void;
}) {
  const { t, i18n } = useTranslation();
  const date = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium', timeStyle: 'short' });
  const [open, setOpen] = useState(false);
  const inputId = useId();
  const { reason, setReason, busy, error, submit } = useReasonedDecision(
    (decision: ModerationDecisionKind, why: string) => decideModerationItem(item.id, decision, why),
    (value) => (value ?? 'dismiss') as ModerationDecisionKind,
    onDecided,
    onStale,
  );


  return (
    <li className="card takedown" data-testid="moderation-item" data-item-id={item.id} data-signal={item.signal} data-status={item.status}>
      <div className="release-head">
        <SignalBadge signal={item.signal} />
        <span className="badge">{t(`moderation.subjects.${item.subject}`)}</span>
        {item.status !== 'open' && <span className="badge">{t(`moderation.statuses.${item.status}`)}</span>}
        <time dateTime={item.created_at}>{t('moderation.raised', { date: date.format(new Date(item.created_at)) })}</time>
      </div>
      <dl className="facts">
        {item.contributor_id !== null && (
          <>
            <dt>{item.subject === 'account' ? t('moderation.account') : t('moderation.author')}</dt>
            <dd>
              {handle !== undefined && <strong>@{handle} </strong>}
              <code>{item.contributor_id}</code>
            </dd>
          </>
        )}
        {item.conversation_id !== null && (
          <>
            <dt>{t('admin.takedowns.conversation')}</dt>
            <dd>
              <code>{item.conversation_id}</code>
            </dd>
          </>
        )}
        {item.message_id !== null && (
          <>
            <dt>{t('admin.takedowns.message')}</dt>
            <dd>
              <code>{item.message_id}</code>
            </dd>
          </>
        )}
      </dl>
      <EvidenceList evidence={item.signal === 'flag' ? [item.evidence] : [{ signal: item.signal, ...item.evidence }]} flag={item.signal === 'flag'} />
      {item.conversation_id !== null && (
        <details onToggle={(e) => setOpen(e.currentTarget.open)}>
          <summary>{t('admin.takedowns.showRecord')}</summary>
          {open && <ReportedText report={{ conversation_id: item.conversation_id, message_id: item.message_id }} />}
        </details>
      )}
      {item.status === 'open' ? (
        <form className="form takedown-decision" onSubmit={(e) => void submit(e)} aria-label={t('moderation.decisionReason')}>
          <label className="field" htmlFor={inputId}>
            <span>{t('moderation.decisionReason')}</span>
            <textarea id={inputId} rows={2} required maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} disabled={busy} data-testid="moderation-reason" />
          </label>
          {canModerate && <p className="hint small">{item.subject === 'account' ? t('moderation.accountHint') : t('moderation.conversationHint')}</p>}
          <ErrorText error={error} testId="moderation-error" />
          <div className="actions">
            <button type="submit" name="decision" value="dismiss" disabled={busy} data-testid="moderation-dismiss">
              {t('moderation.decisions.dismiss')}
            </button>
            {canModerate && (
              <button type="submit" name="decision" value="remove_content" className="danger" disabled={busy} data-testid="moderation-remove">
                {t('moderation.decisions.remove_content')}
              </button>
            )}
            {canModerate && item.contributor_id !== null && (
              <button type="submit" name="decision" value="restrict_account" className="danger" disabled={busy} data-testid="moderation-restrict">
                {t('moderation.decisions.restrict_account')}
              </button>
            )}
          </div>
        </form>
      ) : (
        <p className="hint" data-testid="moderation-decision">
          {t('moderation.decidedOn', { date: item.decided_at === null ? '—' : date.format(new Date(item.decided_at)) })} {item.decision_reason !== null && <q>{item.decision_reason}</q>}
        </p>
      )}
    </li>
  );
}
