import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { readAuditLog } from '../../api/endpoints';
import { keys, useMe } from '../../api/queries';
import { ErrorText } from '../../components/error-text';
import { Loading } from '../../components/spinner';

const PAGE = 50;
/** Ids are long; eight characters tell entries apart on screen (the whole id is in the title). */
const short = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

/** The audit log (admins): the newest entries first, 50 at a time. */
export function AuditSection() {
  const { t, i18n } = useTranslation();
  const me = useMe().data!;
  const log = useInfiniteQuery({
    queryKey: keys.audit,
    queryFn: ({ pageParam }) => readAuditLog({ limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const date = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'short', timeStyle: 'medium' });
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="audit-heading" className="admin-section" data-testid="audit-section">
      <h2 id="audit-heading">{t('admin.audit.heading')}</h2>
      <p className="hint">{t('admin.audit.intro')}</p>
      {log.isPending && <Loading />}
      <ErrorText error={log.error} />
      {log.isSuccess && entries.length === 0 && <p className="hint">{t('admin.audit.none')}</p>}
      {entries.length > 0 && (
        <div className="table-wrap">
          <table className="data-table audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.audit.when')}</th>
                <th scope="col">{t('admin.audit.who')}</th>
                <th scope="col">{t('admin.audit.action')}</th>
                <th scope="col">{t('admin.audit.target')}</th>
                <th scope="col">{t('admin.audit.reason')}</th>
                <th scope="col">{t('admin.audit.details')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-testid="audit-row" data-action={e.action} data-target-id={e.target_id ?? ''}>
                  <td>
                    <time dateTime={e.at}>{date.format(new Date(e.at))}</time>
                  </td>
                  <td title={e.actor_id ?? undefined}>
                    {e.actor_id === null ? (
                      <span className="hint">{t('admin.audit.system')}</span>
                    ) : (
                      <code>{e.actor_id === me.id ? t('admin.audit.you', { id: short(e.actor_id) }) : short(e.actor_id)}</code>
                    )}
                  </td>
                  <td>
                    <code data-testid="audit-action">{e.action}</code>
                  </td>
                  <td className="break" title={e.target_id ?? undefined}>
                    {e.target_kind}
                    {e.target_id !== null && (
                      <>
                        {' '}
                        <code>{short(e.target_id)}</code>
                      </>
                    )}
                  </td>
                  <td className="break plain" data-testid="audit-reason">
                    {e.reason ?? ''}
                  </td>
                  <td>
                    {Object.keys(e.details).length > 0 && (
                      <details>
                        <summary>{t('admin.audit.details')}</summary>
                        <pre className="audit-details">{JSON.stringify(e.details, null, 2)}</pre>
                      </details>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.hasNextPage && (
        <button type="button" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage} data-testid="audit-more">
          {t('admin.audit.more')}
        </button>
      )}
    </section>
  );
}
