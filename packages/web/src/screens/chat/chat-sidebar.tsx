import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { listConversations } from '../../api/endpoints';
import { keys } from '../../api/queries';

/** My recent conversations, newest first, and a way to start a new one. */
export function ChatSidebar({ contributorId, current, onNew, open }: { contributorId: string; current: string | null; onNew: () => void; open: boolean }) {
  const { t, i18n } = useTranslation();
  const list = useQuery({ queryKey: [...keys.conversations, contributorId], queryFn: () => listConversations({ contributor_id: contributorId, limit: 30 }) });
  const format = new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <aside id="chat-sidebar" className={open ? 'chat-sidebar open' : 'chat-sidebar'} aria-label={t('chat.history')}>
      <button type="button" className="primary new-chat" onClick={onNew} data-testid="new-chat">
        {t('chat.newChat')}
      </button>
      <h2 className="sidebar-heading">{t('chat.history')}</h2>
      {list.data?.items.length === 0 && <p className="hint">{t('chat.noHistory')}</p>}
      <ul className="conversation-list" data-testid="conversation-list">
        {list.data?.items.map((c) => (
          <li key={c.id}>
            <Link to={`/chat/${c.id}`} aria-current={c.id === current ? 'page' : undefined} data-testid="conversation-link" data-conversation-id={c.id}>
              <span className="title">{c.title ?? t('chat.untitled')}</span>
              <time dateTime={c.updated_at}>{format.format(new Date(c.updated_at))}</time>
            </Link>
          </li>
        ))}
      </ul>
    </aside>
  );
}
