import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { getConversation } from '../../api/endpoints';
import { keys, useCommunities, useMe, useModels } from '../../api/queries';
import { Thread } from '../../conversation/thread';
import { useAnswerUi } from '../../conversation/use-answer-ui';
import { ErrorText, useErrorText } from '../../components/error-text';
import { PageTitle } from '../../components/layout';
import { useNotify } from '../../components/notices';
import { Loading } from '../../components/spinner';
import { ScaleInput } from '../../feedback/scale-input';
import { ShortcutsHelp } from '../../feedback/shortcuts-help';
import { useFeedback } from '../../feedback/use-feedback';
import { useShortcuts } from '../../feedback/use-shortcuts';
import { allNodes, DRAFT_ID, type ChatNode } from './chat-state';
import { ChatSidebar } from './chat-sidebar';
import { Composer, type ComposerHandle } from './composer';
import { ModelPicker } from './model-picker';
import { RecordSwitch } from './record-switch';
import { useChat, type ChatOptions } from './use-chat';
import { readPreference, writePreference } from './preferences';
import { useStickToBottom } from './use-stick-to-bottom';

/** Chat with a community's model, and give feedback on its answers without ever waiting. */
export default function ChatScreen() {
  const { t } = useTranslation();
  const { conversationId: routeId } = useParams();
  const me = useMe().data!;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const errorText = useErrorText();
  const communities = useCommunities();
  const [pickedCommunity, setPickedCommunity] = useState<string | null>(() => readPreference('community'));
  const chat = useChat(pickedCommunity);
  const { state, path } = chat;
  const communityList = communities.data ?? [];
  const communityId = state.conversationId !== null ? state.communityId : (communityList.find((c) => c.id === pickedCommunity)?.id ?? communityList[0]?.id ?? null);
  const community = communityList.find((c) => c.id === communityId) ?? null;
  const models = useModels(communityId ?? undefined);
  const modelList = useMemo(() => models.data ?? [], [models.data]);
  const [pickedModel, setPickedModel] = useState<string | null>(() => readPreference('model'));
  const lastAnswerModel = [...path].reverse().find((n) => n.role === 'assistant' && n.model_id !== null)?.model_id ?? null;
  const modelId = modelList.find((m) => m.id === pickedModel)?.id ?? modelList.find((m) => m.id === lastAnswerModel)?.id ?? modelList[0]?.id ?? null;
  const [recording, setRecording] = useState(() => readPreference('paused') !== 'true');
  const [loadError, setLoadError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [chatError, setChatError] = useState<unknown>(null);
  const [announcement, setAnnouncement] = useState('');
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const composer = useRef<ComposerHandle>(null);
  const messagesRef = useRef<HTMLDivElement>(null);
  const toBottom = useStickToBottom(messagesRef, `${path.length}:${state.draft?.text.length ?? -1}:${state.conversationId}`);

  // Open the conversation in the address bar (unless it is the one on screen, e.g. just created).
  useEffect(() => {
    if (routeId === undefined || routeId === state.conversationId) return;
    let cancelled = false;
    setLoading(true);
    setLoadError(null);
    getConversation(routeId).then(
      (c) => {
        if (cancelled) return;
        chat.load(c);
        setLoading(false);
      },
      (e: unknown) => {
        if (cancelled) return;
        setLoadError(e);
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [routeId]); // the address alone decides: the conversation on screen is read, not watched

  const offRecord = path.some((n) => n.local);
  const recordedConversation = state.conversationId !== null && !offRecord ? state.conversationId : null;
  const feedback = useFeedback(state.conversationId, me.id, 'interlocutor');
  const modelName = useCallback(
    (node: ChatNode) => {
      if (node.role === 'user') return t('chat.you');
      const m = modelList.find((x) => x.id === node.model_id);
      return m?.name ?? node.model_name ?? t('chat.model');
    },
    [modelList, t],
  );

  const options = (): ChatOptions => ({
    modelId: modelId!,
    record: recording,
    communityId,
    onConversation: (id) => {
      navigate(`/chat/${id}`, { replace: true, state: { keepFocus: true } });
      void queryClient.invalidateQueries({ queryKey: keys.conversations });
    },
    onAnswered: (node) => {
      setAnnouncement(`${t('chat.answerReady', { author: modelName(node) })} ${node.content.slice(0, 2000)}`);
      void queryClient.invalidateQueries({ queryKey: keys.myStats });
    },
    onRefused: (e, content) => {
      setChatError(e);
      notify(errorText(e), 'error');
      if (content !== null) composer.current?.setText(content);
    },
    onStoppedEarly: (content) => {
      if (content !== null) composer.current?.setText(content);
      const id = state.conversationId;
      if (id !== null) void getConversation(id).then((c) => chat.load(c), () => undefined);
    },
  });

  const answerIds = useMemo(() => path.filter((n) => n.role === 'assistant' && n.id !== DRAFT_ID && !n.local).map((n) => n.id), [path]);
  const contentOf = useCallback((id: string) => state.messages.find((m) => m.id === id)?.content ?? '', [state.messages]);
  const ui = useAnswerUi(answerIds, contentOf);
  const all = useMemo(() => allNodes(state), [state]);

  const send = (text: string) => {
    if (modelId === null) return;
    setChatError(null);
    toBottom();
    void chat.send(text, options());
  };
  const regenerate = (answer: ChatNode) => {
    if (modelId === null || answer.parent_id === null) return;
    void chat.answerAgain(answer.parent_id, answer, options());
  };
  const retry = () => {
    if (modelId === null || state.draft === null) return;
    void chat.answerAgain(state.draft.parentId, null, options());
  };
  const edit = (turn: ChatNode, content: string) => {
    if (modelId === null) return;
    void chat.edit(turn, content, options());
  };
  const newChat = () => {
    chat.reset(communityId);
    setSidebarOpen(false);
    navigate('/chat');
    composer.current?.focus();
  };
  const toggleRecording = () => {
    const next = !recording;
    setRecording(next);
    writePreference('paused', next ? null : 'true');
    notify(next ? t('chat.recordingResumed') : t('chat.recordingPaused'));
  };

  const target = ui.target;
  const targetNode = target === null ? undefined : state.messages.find((m) => m.id === target);
  const feedbackOn = recordedConversation !== null;
  useShortcuts({
    j: () => ui.move(1),
    k: () => ui.move(-1),
    '+': () => feedbackOn && target !== null && feedback.thumbs(target, 'up'),
    '-': () => feedbackOn && target !== null && feedback.thumbs(target, 'down'),
    r: () => feedbackOn && ui.togglePanel('rate', target),
    c: () => feedbackOn && ui.openCritique(),
    e: () => feedbackOn && ui.togglePanel('correct', target),
    f: () => feedbackOn && target !== null && ui.setDialog({ kind: 'flag', messageId: target }),
    g: () => targetNode !== undefined && !chat.streaming && regenerate(targetNode),
    '[': () => branchStep(-1),
    ']': () => branchStep(1),
    '/': () => composer.current?.focus(),
    p: toggleRecording,
    Escape: () => chat.streaming && chat.stop(),
    '?': () => ui.setDialog({ kind: 'help' }),
  });
  function branchStep(delta: 1 | -1) {
    if (target === null || targetNode === undefined) return;
    const siblings = all.filter((n) => n.parent_id === targetNode.parent_id).sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
    const next = siblings[siblings.findIndex((n) => n.id === target) + delta];
    if (next !== undefined) {
      chat.choose(targetNode.parent_id ?? '', next.id);
      ui.setFocusedId(next.id);
    }
  }

  if (communities.isPending) return <Loading />;
  if (communities.isError) return <ErrorText error={communities.error} />;
  if (communityList.length === 0) {
    return (
      <div className="page narrow">
        <PageTitle>{t('chat.title')}</PageTitle>
        <p data-testid="no-communities">{t('chat.noCommunities')}</p>
        {me.roles.includes('admin') && <Link to="/admin">{t('chat.goAdmin')}</Link>}
      </div>
    );
  }

  const empty = path.length === 0 && !loading;
  return (
    <div className="chat-layout">
      <ChatSidebar contributorId={me.id} current={state.conversationId} onNew={newChat} open={sidebarOpen} />
      <section className="chat-main" aria-labelledby="chat-title">
        <div className="chat-toolbar">
          <button type="button" className="sidebar-toggle" aria-expanded={sidebarOpen} aria-controls="chat-sidebar" onClick={() => setSidebarOpen((o) => !o)}>
            {t('chat.history')}
          </button>
          <div id="chat-title">
            <PageTitle hidden>{t('chat.title')}</PageTitle>
          </div>
          <ModelPicker
            communities={communityList}
            communityId={communityId}
            communityLocked={state.conversationId !== null || path.length > 0}
            onCommunity={(id) => {
              setPickedCommunity(id);
              writePreference('community', id);
              chat.reset(id);
            }}
            models={modelList}
            modelId={modelId}
            onModel={(id) => {
              setPickedModel(id);
              writePreference('model', id);
            }}
          />
          <RecordSwitch recording={recording} onToggle={toggleRecording} />
          <button type="button" className="icon-button" onClick={() => ui.setDialog({ kind: 'help' })} aria-label={t('shortcuts.title')} title={`${t('shortcuts.title')} (?)`} data-testid="help-button">
            ?
          </button>
        </div>
        {!recording && (
          <p className="banner banner-off" role="status" data-testid="not-recorded-banner">
            {t('chat.pausedBanner')}
          </p>
        )}
        {recording && offRecord && (
          <p className="banner banner-off" role="status" data-testid="off-record-note">
            {t('chat.offRecordConversation')}{' '}
            <button type="button" className="link-button" onClick={newChat}>
              {t('chat.newRecorded')}
            </button>
          </p>
        )}
        {recordedConversation !== null && (
          <div className="conversation-feedback">
            <ScaleInput
              label={t('feedback.conversationRating')}
              min={1}
              max={5}
              value={feedback.summary.rating}
              onRate={(s) => feedback.rate(null, null, s, { min: 1, max: 5 })}
              testId="conversation-rating"
            />
            <button type="button" className="link-button" onClick={() => ui.setDialog({ kind: 'flag', messageId: null })} data-testid="flag-conversation">
              {t('feedback.flagConversation')}
            </button>
          </div>
        )}
        <div className="messages" ref={messagesRef} data-testid="messages">
          {loading && <Loading />}
          <ErrorText error={loadError} testId="load-error" />
          {empty && (
            <div className="empty-chat">
              <h2>{community?.name}</h2>
              {community?.description && <p>{community.description}</p>}
              {community?.guidelines && (
                <details>
                  <summary>{t('chat.guidelines')}</summary>
                  <p className="plain">{community.guidelines}</p>
                </details>
              )}
              <p className="hint">{modelList.length === 0 ? t('chat.noModelsHint') : t('chat.startHint')}</p>
              <p className="hint">{t('chat.shortcutHint')}</p>
            </div>
          )}
          <Thread
            path={path}
            all={all}
            draft={state.draft}
            authorOf={modelName}
            onChoose={chat.choose}
            feedback={recordedConversation !== null ? feedback : null}
            rubric={community?.rubric ?? []}
            ui={ui}
            onRegenerate={chat.streaming ? undefined : regenerate}
            onRetry={retry}
            onEdit={chat.streaming ? undefined : edit}
          />
        </div>
        <ErrorText error={chatError} testId="chat-error" />
        <Composer
          ref={composer}
          disabled={modelId === null}
          streaming={chat.streaming}
          placeholder={recording && !offRecord ? t('chat.placeholder') : t('chat.placeholderOff')}
          onSend={send}
          onStop={chat.stop}
        />
        <div className="visually-hidden" aria-live="polite" data-testid="answer-live">
          {announcement}
        </div>
      </section>
      {ui.dialog?.kind === 'help' && <ShortcutsHelp onClose={() => ui.setDialog(null)} only={['next', 'thumbs', 'rate', 'critique', 'correct', 'flag', 'regenerate', 'branch', 'compose', 'pause', 'stop', 'help']} />}
    </div>
  );
}
