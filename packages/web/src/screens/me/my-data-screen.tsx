import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { deleteConversation, deleteFeedback, getMyStats, listConversations, listFeedback, myExportUrl, updateProfile } from '../../api/endpoints';
import { keys, useMe } from '../../api/queries';
import { Dialog } from '../../components/dialog';
import { ErrorText } from '../../components/error-text';
import { PageTitle } from '../../components/layout';
import { useNotify } from '../../components/notices';
import { Loading } from '../../components/spinner';
import { draftFrom, invalidLanguages, ProfileFields, profileUpdateFrom } from '../consent/profile-fields';
import { ConsentSection } from './consent-section';
import { DeleteAccountSection } from './delete-account-section';
import { FeedbackLine } from './feedback-line';
import { QualitySection } from './quality-section';

type Pending = { kind: 'conversation' | 'feedback'; id: string } | null;

/** What the pool holds of mine: counts, my quality figures, the items with a delete each, exports, licence, withdrawal, profile. */
export default function MyDataScreen() {
  const { t, i18n } = useTranslation();
  const me = useMe().data!;
  const queryClient = useQueryClient();
  const notify = useNotify();
  const stats = useQuery({ queryKey: keys.myStats, queryFn: getMyStats });
  const conversations = useInfiniteQuery({
    queryKey: [...keys.conversations, me.id, 'my-data'],
    queryFn: ({ pageParam }) => listConversations({ contributor_id: me.id, limit: 20, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const feedback = useInfiniteQuery({
    queryKey: [...keys.myFeedback, me.id],
    queryFn: ({ pageParam }) => listFeedback({ contributor_id: me.id, limit: 20, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const [pending, setPending] = useState<Pending>(null);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const date = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium', timeStyle: 'short' });
  const number = new Intl.NumberFormat(i18n.resolvedLanguage);

  const confirmDelete = async () => {
    if (pending === null) return;
    setDeleteError(null);
    try {
      if (pending.kind === 'conversation') await deleteConversation(pending.id);
      else await deleteFeedback(pending.id);
      setPending(null);
      notify(pending.kind === 'conversation' ? t('myData.conversationDeleted') : t('myData.feedbackDeleted'));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.conversations }),
        queryClient.invalidateQueries({ queryKey: keys.myFeedback }),
        queryClient.invalidateQueries({ queryKey: keys.myStats }),
      ]);
    } catch (e) {
      setDeleteError(e);
    }
  };

  const s = stats.data;
  return (
    <div className="page my-data">
      <PageTitle>{t('myData.title')}</PageTitle>
      <section className="card" aria-labelledby="counts-heading" data-testid="my-stats">
        <h2 id="counts-heading">{t('myData.countsHeading')}</h2>
        {stats.isPending && <Loading />}
        <ErrorText error={stats.error} />
        {s && (
          <>
            <dl className="stat-grid">
              <div>
                <dt>{t('myData.conversations')}</dt>
                <dd data-testid="stat-conversations">{number.format(s.conversations)}</dd>
              </div>
              <div>
                <dt>{t('myData.messages')}</dt>
                <dd data-testid="stat-messages">{number.format(s.messages)}</dd>
              </div>
              <div>
                <dt>{t('myData.feedback')}</dt>
                <dd data-testid="stat-feedback">{number.format(s.feedback)}</dd>
              </div>
              <div>
                <dt>{t('myData.thirdParty')}</dt>
                <dd data-testid="stat-third-party">{number.format(s.third_party_feedback)}</dd>
              </div>
              <div>
                <dt>{t('myData.served')}</dt>
                <dd>{number.format(s.served_from_queue)}</dd>
              </div>
            </dl>
            {Object.keys(s.feedback_by_kind).length > 0 && (
              <p className="kinds">
                {Object.entries(s.feedback_by_kind).map(([kind, n]) => (
                  <span key={kind} className="badge" data-testid={`stat-kind-${kind}`}>
                    {t(`kinds.${kind as 'thumbs'}`, { defaultValue: kind })}: {number.format(n)}
                  </span>
                ))}
              </p>
            )}
          </>
        )}
      </section>

      <QualitySection />

      <ConsentSection />

      <section className="card" aria-labelledby="export-heading" data-testid="export-section">
        <h2 id="export-heading">{t('myData.exportHeading')}</h2>
        <p>{t('myData.exportText')}</p>
        <ul className="export-links">
          <li>
            <a className="button" href={myExportUrl('json')} download data-testid="export-json">
              {t('myData.exportJson')}
            </a>
          </li>
          {(['conversations', 'messages', 'feedback'] as const).map((table) => (
            <li key={table}>
              <a className="button" href={myExportUrl('csv', table)} download data-testid={`export-csv-${table}`}>
                {t('myData.exportCsv', { table: t(`myData.tables.${table}`) })}
              </a>
            </li>
          ))}
        </ul>
      </section>

      <section className="card" aria-labelledby="conversations-heading">
        <h2 id="conversations-heading">{t('myData.myConversations')}</h2>
        <ErrorText error={conversations.error} />
        <ul className="item-list" data-testid="my-conversations">
          {conversations.data?.pages.flatMap((p) => p.items).map((c) => (
            <li key={c.id} data-testid="my-conversation" data-conversation-id={c.id}>
              <span className="item-main">
                <Link to={`/chat/${c.id}`}>{c.title ?? t('chat.untitled')}</Link>
                <time dateTime={c.created_at}>{date.format(new Date(c.created_at))}</time>
                {c.status !== 'active' && <span className="badge">{t(`status.${c.status}`)}</span>}
              </span>
              <button type="button" className="link-button danger-text" onClick={() => setPending({ kind: 'conversation', id: c.id })} data-testid="delete-conversation">
                {t('common.delete')}
              </button>
            </li>
          ))}
        </ul>
        {conversations.data?.pages[0]?.items.length === 0 && <p className="hint">{t('myData.noConversations')}</p>}
        {conversations.hasNextPage && (
          <button type="button" onClick={() => void conversations.fetchNextPage()} disabled={conversations.isFetchingNextPage}>
            {t('common.loadMore')}
          </button>
        )}
      </section>

      <section className="card" aria-labelledby="feedback-heading">
        <h2 id="feedback-heading">{t('myData.myFeedback')}</h2>
        <ErrorText error={feedback.error} />
        <ul className="item-list" data-testid="my-feedback">
          {feedback.data?.pages.flatMap((p) => p.items).map((f) => (
            <li key={f.id} data-testid="my-feedback-item" data-feedback-id={f.id} data-kind={f.kind}>
              <span className="item-main">
                <span className="badge">{t(`kinds.${f.kind}`)}</span>
                <span className="item-text">
                  <FeedbackLine f={f} />
                </span>
                <time dateTime={f.created_at}>{date.format(new Date(f.created_at))}</time>
                {f.annotator_role === 'third_party' && <span className="badge">{t('myData.asThirdParty')}</span>}
                {f.status !== 'active' && <span className="badge">{t(`status.${f.status}`)}</span>}
              </span>
              <button type="button" className="link-button danger-text" onClick={() => setPending({ kind: 'feedback', id: f.id })} data-testid="delete-feedback">
                {t('common.delete')}
              </button>
            </li>
          ))}
        </ul>
        {feedback.data?.pages[0]?.items.length === 0 && <p className="hint">{t('myData.noFeedback')}</p>}
        {feedback.hasNextPage && (
          <button type="button" onClick={() => void feedback.fetchNextPage()} disabled={feedback.isFetchingNextPage}>
            {t('common.loadMore')}
          </button>
        )}
      </section>

      <ProfileSection />

      <DeleteAccountSection />

      {pending !== null && (
        <Dialog title={pending.kind === 'conversation' ? t('myData.deleteConversationTitle') : t('myData.deleteFeedbackTitle')} onClose={() => setPending(null)} testId="delete-dialog">
          <p>{pending.kind === 'conversation' ? t('myData.deleteConversationText') : t('myData.deleteFeedbackText')}</p>
          <p className="hint">{t('myData.cannotRecall')}</p>
          <ErrorText error={deleteError} />
          <div className="actions">
            <button type="button" onClick={() => setPending(null)}>
              {t('common.cancel')}
            </button>
            <button type="button" className="danger" onClick={() => void confirmDelete()} data-testid="delete-confirm">
              {t('common.delete')}
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

function ProfileSection() {
  const { t } = useTranslation();
  const me = useMe().data!;
  const queryClient = useQueryClient();
  const notify = useNotify();
  const [draft, setDraft] = useState(() => draftFrom(me));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await updateProfile(profileUpdateFrom(draft));
      await queryClient.invalidateQueries({ queryKey: keys.me });
      notify(t('myData.profileSaved'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="profile-heading" data-testid="profile-section">
      <h2 id="profile-heading">{t('myData.profileHeading')}</h2>
      <p className="hint">{t('consent.aboutYouHint')}</p>
      <ProfileFields value={draft} onChange={setDraft} />
      <ErrorText error={error} />
      <button type="button" onClick={() => void save()} disabled={busy || invalidLanguages(draft).length > 0} data-testid="profile-save">
        {t('common.save')}
      </button>
    </section>
  );
}
