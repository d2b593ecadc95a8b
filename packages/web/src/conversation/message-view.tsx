import { memo, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BranchSwitcher } from '../components/branch-switcher';
import Markdown from '../components/markdown';
import type { AnswerFeedback } from '../feedback/feedback-summary';
import type { ChatNode, Draft } from '../screens/chat/chat-state';

export interface BranchInfo {
  index: number;
  count: number;
  onPrev: () => void;
  onNext: () => void;
}

export interface AnswerActions {
  thumbs: (value: 'up' | 'down') => void;
  rate: () => void;
  critique: () => void;
  correct: () => void;
  flag: () => void;
  regenerate?: (() => void) | undefined;
}

export interface MessageViewProps {
  node: ChatNode;
  /** When the node is the answer being written (or the one that failed). */
  draft: Draft | null;
  author: string;
  branch: BranchInfo | null;
  focused: boolean;
  onFocusAnswer?: (() => void) | undefined;
  bodyRef?: ((el: HTMLElement | null) => void) | undefined;
  feedback?: AnswerFeedback | undefined;
  /** Feedback buttons, when the answer is stored (not local, not a draft). */
  actions?: AnswerActions | undefined;
  onRetry?: (() => void) | undefined;
  onEdit?: ((content: string) => void) | undefined;
  /** Ask for a stored message to be taken down (privacy, copyright, harm): opens the report dialog. */
  onReport?: ((messageId: string) => void) | undefined;
  children?: ReactNode;
}

/**
 * One turn of a conversation. Answers render as Markdown (safely: see components/markdown.tsx),
 * user turns as the plain text they were. An answer being written is `aria-busy`, so that screen
 * readers read it once it is whole; one that failed says why, that it was not saved, and offers to
 * try again.
 */
export const MessageView = memo(function MessageView(props: MessageViewProps) {
  const { t } = useTranslation();
  const { node, draft, feedback, actions } = props;
  const isAnswer = node.role === 'assistant';
  const state = draft?.state ?? 'done';
  const articleRef = useRef<HTMLElement>(null);
  const [editing, setEditing] = useState(false);
  const [editText, setEditText] = useState(node.content);

  useEffect(() => {
    const el = articleRef.current;
    if (!props.focused || el === null) return;
    if (!el.contains(document.activeElement)) el.focus({ preventScroll: true });
    const top = el.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight - 60) el.scrollIntoView?.({ block: 'start', behavior: 'smooth' });
  }, [props.focused]);

  // The moment the first piece of an answer is on screen (the e2e test reads this mark).
  const shownFirst = useRef(false);
  useEffect(() => {
    if (draft?.text === '') shownFirst.current = false; // a new answer in the same place
    if (draft?.state === 'streaming' && draft.text !== '' && !shownFirst.current) {
      shownFirst.current = true;
      performance.mark('openfeedback:first-token-shown');
    }
  }, [draft?.state, draft?.text]);

  const label = isAnswer ? t('chat.answerFrom', { author: props.author }) : t('chat.yourTurn');
  return (
    <article
      ref={articleRef}
      className={`message ${isAnswer ? 'answer' : 'user-turn'} state-${state}${props.focused ? ' focused' : ''}${node.local ? ' local' : ''}`}
      data-testid={isAnswer ? 'answer' : 'user-turn'}
      data-message-id={node.id}
      data-state={state}
      data-recorded={node.local ? 'false' : 'true'}
      aria-label={label}
      tabIndex={isAnswer ? -1 : undefined}
      onFocus={isAnswer ? props.onFocusAnswer : undefined}
      onClick={isAnswer ? props.onFocusAnswer : undefined}
    >
      <header className="message-head">
        <span className="author">{props.author}</span>
        {node.local && (
          <span className="badge badge-off" data-testid="not-recorded-badge">
            {t('chat.notRecorded')}
          </span>
        )}
        {props.branch !== null && <BranchSwitcher {...props.branch} />}
        {props.onReport !== undefined && draft === null && !node.local && (
          <button
            type="button"
            className="link-button report-button"
            onClick={(e) => {
              e.stopPropagation(); // not a click on the answer (that would focus it)
              props.onReport!(node.id);
            }}
            title={t('report.buttonTitle')}
            data-testid="report-button"
          >
            {t('report.button')}
          </button>
        )}
      </header>
      {editing ? (
        <form
          className="form edit-turn"
          onSubmit={(e) => {
            e.preventDefault();
            const value = editText.trim();
            if (value === '' || props.onEdit === undefined) return;
            setEditing(false);
            props.onEdit(value);
          }}
        >
          <label className="field">
            <span className="visually-hidden">{t('chat.editLabel')}</span>
            <textarea
              autoFocus
              rows={Math.min(12, Math.max(2, editText.split('\n').length))}
              value={editText}
              onChange={(e) => setEditText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') setEditing(false);
                if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                  e.preventDefault();
                  e.currentTarget.form?.requestSubmit();
                }
              }}
              data-testid="edit-text"
            />
          </label>
          <p className="hint">{t('chat.editHint')}</p>
          <div className="actions">
            <button type="button" onClick={() => setEditing(false)} data-testid="edit-cancel">
              {t('common.cancel')}
            </button>
            <button type="submit" className="primary" data-testid="edit-submit">
              {t('chat.editSubmit')}
            </button>
          </div>
        </form>
      ) : (
        <div
          className="message-body"
          ref={props.bodyRef}
          data-testid={isAnswer ? 'answer-body' : 'user-turn-body'}
          aria-busy={state === 'streaming' ? true : undefined}
        >
          {isAnswer ? <Markdown text={node.content} offsets={draft === null} /> : <p className="plain">{node.content}</p>}
          {state === 'streaming' && (
            <span className="cursor" data-testid="streaming-indicator" aria-hidden="true">
              ▍
            </span>
          )}
          {state === 'streaming' && node.content === '' && <span className="visually-hidden">{t('chat.writing')}</span>}
        </div>
      )}
      {draft !== null && draft.state !== 'streaming' && (
        <div className="answer-problem" role="alert" data-testid="answer-error" data-code={draft.error?.code ?? 'stopped'}>
          <p>
            <strong>{draft.state === 'stopped' ? t('chat.stopped') : t(`chatErrors.${chatErrorKey(draft.error?.code)}`)}</strong> {t('chat.notSaved')}
          </p>
          {props.onRetry && (
            <button type="button" onClick={props.onRetry} data-testid="retry">
              {t('chat.tryAgain')}
            </button>
          )}
        </div>
      )}
      {!isAnswer && props.onEdit !== undefined && !editing && (
        <div className="message-actions">
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setEditText(node.content);
              setEditing(true);
            }}
            data-testid="edit-button"
          >
            {t('chat.edit')}
          </button>
        </div>
      )}
      {isAnswer && draft === null && actions !== undefined && <AnswerBar feedback={feedback} actions={actions} />}
      {isAnswer && draft === null && feedback?.correction && (
        <details className="your-correction" data-testid="your-correction">
          <summary>{t('feedback.yourCorrection')}</summary>
          <Markdown text={feedback.correction} />
        </details>
      )}
      {props.children}
    </article>
  );
});

const KNOWN = new Set(['model_rate_limited', 'model_unavailable', 'model_timeout', 'model_interrupted', 'model_rejected']);
type ChatErrorKey = 'model_rate_limited' | 'model_unavailable' | 'model_timeout' | 'model_interrupted' | 'model_rejected' | 'unknown';
const chatErrorKey = (code: string | undefined): ChatErrorKey => (code !== undefined && KNOWN.has(code) ? (code as ChatErrorKey) : 'unknown');

function AnswerBar({ feedback, actions }: { feedback: AnswerFeedback | undefined; actions: AnswerActions }) {
  const { t } = useTranslation();
  const rated = Object.keys(feedback?.ratings ?? {}).length;
  return (
    <div className="answer-bar" role="toolbar" aria-label={t('feedback.toolbar')}>
      <button
        type="button"
        className="icon-button thumb"
        aria-pressed={feedback?.thumbs === 'up'}
        aria-label={t('feedback.thumbsUp')}
        title={`${t('feedback.thumbsUp')} (+)`}
        onClick={() => actions.thumbs('up')}
        data-testid="thumbs-up"
      >
        <ThumbIcon up />
      </button>
      <button
        type="button"
        className="icon-button thumb"
        aria-pressed={feedback?.thumbs === 'down'}
        aria-label={t('feedback.thumbsDown')}
        title={`${t('feedback.thumbsDown')} (-)`}
        onClick={() => actions.thumbs('down')}
        data-testid="thumbs-down"
      >
        <ThumbIcon up={false} />
      </button>
      <button type="button" onClick={actions.rate} title={`${t('feedback.rate')} (r)`} data-testid="rate-button">
        {t('feedback.rate')}
        {rated > 0 && <span className="count"> ✓</span>}
      </button>
      {/* mousedown would clear a text selection in the answer before the click reads it */}
      <button type="button" onMouseDown={(e) => e.preventDefault()} onClick={actions.critique} title={`${t('feedback.critique')} (c)`} data-testid="critique-button">
        {t('feedback.critique')}
        {(feedback?.critiques ?? 0) > 0 && <span className="count"> {feedback?.critiques}</span>}
      </button>
      <button type="button" onClick={actions.correct} title={`${t('feedback.correct')} (e)`} data-testid="correct-button">
        {t('feedback.correct')}
      </button>
      <button type="button" onClick={actions.flag} title={`${t('feedback.flag')} (f)`} data-testid="flag-button" aria-pressed={(feedback?.flags.length ?? 0) > 0}>
        {t('feedback.flag')}
      </button>
      {actions.regenerate && (
        <button type="button" onClick={actions.regenerate} title={`${t('chat.regenerate')} (g)`} data-testid="regenerate-button">
          {t('chat.regenerate')}
        </button>
      )}
    </div>
  );
}

/** Drawn, not an emoji: emoji fonts are missing on some systems. */
function ThumbIcon({ up }: { up: boolean }) {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false" style={up ? undefined : { transform: 'rotate(180deg)' }}>
      <path
        fill="currentColor"
        d="M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6.02-.3c0-.4-.17-.8-.44-1.06L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z"
      />
    </svg>
  );
}
