import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { decideTakedown, getConversation, listTakedowns } from '../../api/endpoints';
import { isApiError } from '../../api/http';
import { keys } from '../../api/queries';
import type { TakedownReport } from '../../api/types';
import { ErrorText } from '../../components/error-text';
import { useReasonedDecision } from '../../components/use-reasoned-decision';
import { useNotify } from '../../components/notices';
import { Loading } from '../../components/spinner';

/** The takedown queue (moderators, admins): open reports, oldest first, each upheld or rejected with a reason. */
export function TakedownSection() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const queue = useQuery({ queryKey: [...keys.takedowns, 'open'], queryFn: () => listTakedowns('open') });
  const reports = queue.data ?? [];

  /** A decided report leaves the queue; focus goes to the queue's heading rather than to nowhere. */
  const decided = (report: TakedownReport) => {
    queryClient.setQueryData<TakedownReport[]>([...keys.takedowns, 'open'], (list) => (list ?? []).filter((r) => r.id !== report.id));
    notify(report.status === 'upheld' ? t('admin.takedowns.upheld') : t('admin.takedowns.rejected'));
    headingRef.current?.focus();
    void queryClient.invalidateQueries({ queryKey: keys.audit });
    void queryClient.invalidateQueries({ queryKey: keys.poolStats });
  };

  return (
    <section aria-labelledby="takedowns-heading" className="admin-section" data-testid="takedowns-section">
      <h2 id="takedowns-heading" ref={headingRef} tabIndex={-1}>
        {t('admin.takedowns.heading')}
        {reports.length > 0 && <span className="badge count-badge">{reports.length}</span>}
      </h2>
      <p className="hint">{t('admin.takedowns.intro')}</p>
      {queue.isPending && <Loading />}
      <ErrorText error={queue.error} />
      {queue.isSuccess && reports.length === 0 && (
        <p className="hint" data-testid="takedowns-empty">
          {t('admin.takedowns.none')}
        </p>
      )}
      <ul className="takedown-list" data-testid="takedown-list">
        {reports.map((r) => (
          <TakedownRow key={r.id} report={r} onDecided={decided} onStale={() => void queue.refetch()} />
        ))}
      </ul>
    </section>
  );
}

function TakedownRow({ report: r, onDecided, onStale }: { report: TakedownReport; onDecided: (r: TakedownReport) => void; onStale: () => void }) {
  const { t, i18n } = useTranslation();
  const date = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium', timeStyle: 'short' });
  const [open, setOpen] = useState(false);
  const inputId = `takedown-reason-${r.id}`;
  const { reason, setReason, busy, error, submit } = useReasonedDecision(
    (decision: 'uphold' | 'reject', why: string) => decideTakedown(r.id, decision, why),
    (value) => (value === 'uphold' ? 'uphold' : 'reject'),
    onDecided,
    onStale, // decided by someone else meanwhile
  );


  return (
    <li className="card takedown" data-testid="takedown-row" data-report-id={r.id} data-reason={r.reason}>
      <div className="release-head">
        <span className={`badge badge-reason-${r.reason}`} data-testid="takedown-report-reason">
          {t(`report.reasons.${r.reason}`)}
        </span>
        <time dateTime={r.created_at}>{t('admin.takedowns.reported', { date: date.format(new Date(r.created_at)) })}</time>
      </div>
      <p className="plain takedown-details" data-testid="takedown-details">
        {r.details}
      </p>
      <dl className="facts">
        <dt>{t('admin.takedowns.conversation')}</dt>
        <dd>
          <code data-testid="takedown-conversation">{r.conversation_id}</code>
        </dd>
        <dt>{t('admin.takedowns.message')}</dt>
        <dd>{r.message_id !== null ? <code data-testid="takedown-message">{r.message_id}</code> : t('admin.takedowns.wholeConversation')}</dd>
      </dl>
      <details onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>{t('admin.takedowns.showRecord')}</summary>
        {open && <ReportedText report={r} />}
      </details>
      <form className="form takedown-decision" onSubmit={(e) => void submit(e)} aria-label={t('admin.takedowns.decisionReason')}>
        <label className="field" htmlFor={inputId}>
          <span>{t('admin.takedowns.decisionReason')}</span>
          <textarea id={inputId} rows={2} required maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} disabled={busy} data-testid="takedown-reason-input" />
        </label>
        <ErrorText error={error} testId="takedown-error" />
        <div className="actions">
          <button type="submit" name="decision" value="reject" disabled={busy} data-testid="takedown-reject">
            {t('admin.takedowns.reject')}
          </button>
          <button type="submit" name="decision" value="uphold" className="danger" disabled={busy} data-testid="takedown-uphold">
            {t('admin.takedowns.uphold')}
          </button>
        </div>
      </form>
    </li>
  );
}

/** The reported message (or the whole conversation), as the plain text it is: never rendered as Markdown here. */
export function ReportedText({ report }: { report: Pick<TakedownReport, 'conversation_id' | 'message_id'> }) {
  const { t } = useTranslation();
  const conversation = useQuery({ queryKey: keys.conversation(report.conversation_id), queryFn: () => getConversation(report.conversation_id) });
  if (conversation.isPending) return <Loading />;
  if (conversation.isError) return isApiError(conversation.error, 'not_found') ? <p className="hint">{t('admin.takedowns.recordGone')}</p> : <ErrorText error={conversation.error} />;
  const shown = conversation.data.messages.filter((m) => report.message_id === null || m.id === report.message_id);
  if (shown.length === 0) return <p className="hint">{t('admin.takedowns.recordGone')}</p>;
  return (
    <div className="reported-text" data-testid="takedown-record">
      {shown.map((m) => (
        <blockquote key={m.id} className="plain">
          <small className="hint">{m.role === 'user' ? t('rate.person') : m.role === 'assistant' ? t('chat.model') : t('rate.system')}</small>
          <br />
          {m.content}
        </blockquote>
      ))}
    </div>
  );
}
