import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { nextFromQueue } from '../../api/endpoints';
import { useCommunities, useMe, useModels } from '../../api/queries';
import type { ConversationWithMessages } from '../../api/types';
import { ErrorText } from '../../components/error-text';
import { PageTitle } from '../../components/layout';
import { Loading } from '../../components/spinner';
import { Thread } from '../../conversation/thread';
import { useAnswerUi } from '../../conversation/use-answer-ui';
import { ScaleInput } from '../../feedback/scale-input';
import { ShortcutsHelp } from '../../feedback/shortcuts-help';
import { useFeedback } from '../../feedback/use-feedback';
import { useShortcuts } from '../../feedback/use-shortcuts';
import { childrenIndex, visiblePath } from '../../lib/tree';
import type { ChatNode } from '../chat/chat-state';
import { Ranking } from './ranking';

/**
 * Rate the pool: conversations other people had, served one at a time by the queue, judged as a
 * third party (thumbs, rubric, critique, ranking of alternative answers). Needs no model endpoint.
 */
export default function RateScreen() {
  const { t } = useTranslation();
  const me = useMe().data!;
  const communities = useCommunities().data ?? [];
  const models = useModels().data ?? [];
  const [communityId, setCommunityId] = useState('');
  const [conversation, setConversation] = useState<ConversationWithMessages | null>(null);
  const [status, setStatus] = useState<'loading' | 'ready' | 'empty' | 'error'>('loading');
  const [error, setError] = useState<unknown>(null);
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [rankedFor, setRankedFor] = useState<Set<string>>(new Set());

  const next = useCallback(async (community: string) => {
    setStatus('loading');
    setError(null);
    try {
      const c = await nextFromQueue(community === '' ? undefined : community);
      setConversation(c);
      setChosen({});
      setRankedFor(new Set());
      setStatus(c === null ? 'empty' : 'ready');
    } catch (e) {
      setError(e);
      setStatus('error');
    }
  }, []);

  useEffect(() => {
    void next(communityId);
  }, [next, communityId]);

  const messages: ChatNode[] = useMemo(() => (conversation?.messages ?? []).filter((m) => m.status === 'active'), [conversation]);
  const path = useMemo(() => visiblePath(messages, chosen), [messages, chosen]);
  const community = communities.find((c) => c.id === conversation?.community_id) ?? null;
  const feedback = useFeedback(conversation?.id ?? null, me.id, 'third_party');
  const answerIds = useMemo(() => path.filter((n) => n.role === 'assistant').map((n) => n.id), [path]);
  const contentOf = useCallback((id: string) => messages.find((m) => m.id === id)?.content ?? '', [messages]);
  const ui = useAnswerUi(answerIds, contentOf);
  const authorOf = useCallback(
    (n: ChatNode) => (n.role === 'user' ? t('rate.person') : n.role === 'system' ? t('rate.system') : (models.find((m) => m.id === n.model_id)?.name ?? n.model_name ?? t('chat.model'))),
    [models, t],
  );
  const choose = useCallback((parentKey: string, childId: string) => setChosen((c) => ({ ...c, [parentKey]: childId })), []);
  const index = useMemo(() => childrenIndex(messages), [messages]);
  const rankable = path.filter((n) => n.role === 'user' && (index.get(n.id)?.filter((c) => c.role === 'assistant').length ?? 0) >= 2);

  const target = ui.target;
  useShortcuts({
    j: () => ui.move(1),
    k: () => ui.move(-1),
    '+': () => target !== null && feedback.thumbs(target, 'up'),
    '-': () => target !== null && feedback.thumbs(target, 'down'),
    r: () => ui.togglePanel('rate', target),
    c: () => ui.openCritique(),
    e: () => ui.togglePanel('correct', target),
    f: () => target !== null && ui.setDialog({ kind: 'flag', messageId: target }),
    n: () => void next(communityId),
    '?': () => ui.setDialog({ kind: 'help' }),
  });

  return (
    <div className="page rate-page">
      <PageTitle>{t('rate.title')}</PageTitle>
      <p className="lead">{t('rate.intro')}</p>
      <div className="rate-toolbar">
        <label className="field inline">
          <span>{t('chat.community')}</span>
          <select value={communityId} onChange={(e) => setCommunityId(e.target.value)} data-testid="rate-community">
            <option value="">{t('rate.allCommunities')}</option>
            {communities.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="primary" onClick={() => void next(communityId)} disabled={status === 'loading'} title={`${t('rate.next')} (n)`} data-testid="queue-next">
          {status === 'ready' ? t('rate.next') : t('rate.fetch')}
        </button>
        <button type="button" className="icon-button" onClick={() => ui.setDialog({ kind: 'help' })} aria-label={t('shortcuts.title')} data-testid="help-button">
          ?
        </button>
      </div>
      {status === 'loading' && <Loading />}
      {status === 'error' && <ErrorText error={error} testId="queue-error" />}
      {status === 'empty' && (
        <p className="notice" data-testid="queue-empty">
          {t('rate.empty')}
        </p>
      )}
      {status === 'ready' && conversation !== null && (
        <div className="rate-item" data-testid="queue-conversation" data-conversation-id={conversation.id}>
          <p className="meta">
            {community?.name && <span className="badge">{community.name}</span>}
            {conversation.source !== 'openfeedback' && <span className="badge">{t('rate.source', { source: conversation.source })}</span>}
            {conversation.language && <span className="badge">{conversation.language}</span>}
          </p>
          {community?.guidelines && (
            <details>
              <summary>{t('chat.guidelines')}</summary>
              <p className="plain">{community.guidelines}</p>
            </details>
          )}
          <div className="conversation-feedback">
            <ScaleInput label={t('feedback.conversationRating')} min={1} max={5} value={feedback.summary.rating} onRate={(s) => feedback.rate(null, null, s, { min: 1, max: 5 })} testId="conversation-rating" />
            <button type="button" className="link-button" onClick={() => ui.setDialog({ kind: 'flag', messageId: null })} data-testid="flag-conversation">
              {t('feedback.flagConversation')}
            </button>
          </div>
          <Thread path={path} all={messages} draft={null} authorOf={authorOf} onChoose={choose} feedback={feedback} rubric={community?.rubric ?? []} ui={ui} />
          {rankable.map((q) => (
            <Ranking
              key={`${conversation.id}-${q.id}`}
              question={q}
              answers={(index.get(q.id) ?? []).filter((c) => c.role === 'assistant')}
              authorOf={authorOf}
              saved={rankedFor.has(q.id)}
              onSubmit={(ids) => {
                feedback.rank(ids);
                setRankedFor((s) => new Set(s).add(q.id));
              }}
            />
          ))}
        </div>
      )}
      {ui.dialog?.kind === 'help' && <ShortcutsHelp onClose={() => ui.setDialog(null)} only={['next', 'thumbs', 'rate', 'critique', 'correct', 'flag', 'nextConversation', 'help']} />}
    </div>
  );
}
