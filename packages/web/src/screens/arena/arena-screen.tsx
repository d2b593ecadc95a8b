import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useReducer, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { streamArena } from '../../api/arena-stream';
import { arenaStartPath, arenaTurnPath, getBattle, voteInBattle } from '../../api/endpoints';
import { isApiError } from '../../api/http';
import { keys, useCommunities } from '../../api/queries';
import type { ArenaSide } from '../../api/types';
import { ErrorText, useErrorText } from '../../components/error-text';
import { PageTitle } from '../../components/layout';
import Markdown from '../../components/markdown';
import { useNotify } from '../../components/notices';
import { Loading } from '../../components/spinner';
import { useShortcuts } from '../../feedback/use-shortcuts';
import { arenaReducer, initialArena, type ArenaOutcome, type SideAnswer } from './arena-state';

const SIDES: readonly ArenaSide[] = ['a', 'b'];
const VOTES: readonly ArenaOutcome[] = ['a', 'b', 'tie', 'both_bad'];

/**
 * The blind arena: one prompt to two anonymous models of a community, both answers side by side as
 * they stream, a vote, and only then the names. The battle can go on for more turns before the vote.
 */
export default function ArenaScreen() {
  const { t } = useTranslation();
  const communities = useCommunities();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const errorText = useErrorText();
  const [state, dispatch] = useReducer(arenaReducer, initialArena);
  const [picked, setPicked] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [voting, setVoting] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const stop = useRef<AbortController | null>(null);
  const prompt = useRef<HTMLTextAreaElement>(null);
  const list = communities.data ?? [];
  const communityId = list.find((c) => c.id === picked)?.id ?? list[0]?.id ?? null;

  useEffect(() => () => stop.current?.abort(), []);

  // A battle that closed by itself (an answer failed or was stopped) shows its names too.
  useEffect(() => {
    if (state.phase !== 'closed' || state.battleId === null || state.names.a !== null || state.outcome !== null) return;
    void getBattle(state.battleId).then((battle) => dispatch({ type: 'closed', battle }), () => undefined);
  }, [state.phase, state.battleId, state.names.a, state.outcome]);

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    const content = text.trim();
    if (content === '' || communityId === null || state.phase === 'streaming' || state.phase === 'closed') return;
    setError(null);
    setText('');
    dispatch({ type: 'ask', prompt: content });
    const controller = new AbortController();
    stop.current = controller;
    const path = state.battleId === null ? arenaStartPath : arenaTurnPath(state.battleId);
    const body = state.battleId === null ? { community_id: communityId, content } : { content };
    try {
      await streamArena(path, body, controller.signal, (event) => {
        dispatch({ type: 'event', event });
        if (event.type === 'end') setAnnouncement(event.status === 'open' ? t('arena.bothIn') : t(`arena.invalid.${event.invalid_reason ?? 'model_failed'}`));
      });
      void queryClient.invalidateQueries({ queryKey: keys.conversations });
    } catch (err) {
      if (controller.signal.aborted) {
        dispatch({ type: 'stopped' });
      } else if (isApiError(err)) {
        // Refused before any answer: nothing was stored; the question goes back in the box.
        dispatch({ type: 'refused' });
        setText(content);
        setError(err);
        notify(errorText(err), 'error');
      } else {
        dispatch({ type: 'stopped' });
        setError(err);
      }
    } finally {
      stop.current = null;
    }
  };

  const vote = async (winner: ArenaOutcome) => {
    if (state.phase !== 'open' || state.battleId === null || voting) return;
    setVoting(true);
    setError(null);
    try {
      const battle = await voteInBattle(state.battleId, winner);
      dispatch({ type: 'closed', battle });
      setAnnouncement(battle.status === 'invalid' ? t('arena.invalid.self_identified') : t('arena.revealed', { a: battle.model_a?.name ?? '?', b: battle.model_b?.name ?? '?' }));
      void queryClient.invalidateQueries({ queryKey: keys.myStats });
    } catch (err) {
      setError(err);
      // Voted already elsewhere (another tab): show what the server holds.
      if (isApiError(err) && err.code === 'conflict') void getBattle(state.battleId).then((battle) => dispatch({ type: 'closed', battle }), () => undefined);
    } finally {
      setVoting(false);
    }
  };

  const restart = () => {
    dispatch({ type: 'reset' });
    setError(null);
    setText('');
    requestAnimationFrame(() => prompt.current?.focus());
  };

  useShortcuts({ '1': () => void vote('a'), '2': () => void vote('b'), '3': () => void vote('tie'), '4': () => void vote('both_bad') }, state.phase === 'open');

  if (communities.isPending) return <Loading />;
  if (communities.isError) return <ErrorText error={communities.error} />;
  const streaming = state.phase === 'streaming';
  const closed = state.phase === 'closed';

  return (
    <div className="page arena">
      <PageTitle>{t('arena.title')}</PageTitle>
      <p className="hint">{t('arena.intro')}</p>
      {list.length === 0 ? (
        <p>{t('chat.noCommunities')}</p>
      ) : (
        <label className="field inline arena-community">
          <span>{t('chat.community')}</span>
          <select value={communityId ?? ''} disabled={state.phase !== 'idle'} onChange={(e) => setPicked(e.target.value)} data-testid="arena-community">
            {list.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      )}

      {state.turns.length > 0 && (
        <div className="arena-sides">
          {SIDES.map((side) => (
            <section key={side} className={`arena-side${state.outcome === side ? ' winner' : ''}`} aria-labelledby={`arena-side-${side}-title`} data-testid={`arena-side-${side}`}>
              <h2 id={`arena-side-${side}-title`} className="arena-side-title">
                {side === 'a' ? t('arena.sideA') : t('arena.sideB')}
                {state.names[side] !== null && (
                  <span className="arena-model-name" data-testid={`arena-model-name-${side}`}>
                    {state.names[side]}
                  </span>
                )}
              </h2>
              {state.turns.map((turn, i) => (
                <div key={i} className="arena-turn">
                  <div className="message user-turn">
                    <div className="message-head">
                      <span className="author">{t('chat.you')}</span>
                    </div>
                    <div className="message-body">{turn.prompt}</div>
                  </div>
                  <Answer answer={turn[side]} testId={`arena-answer-${side}`} />
                </div>
              ))}
            </section>
          ))}
        </div>
      )}

      <div role="status" aria-live="polite" className="visually-hidden">
        {announcement}
      </div>

      {state.phase === 'open' && (
        <section className="arena-vote card" aria-labelledby="arena-vote-title">
          <h2 id="arena-vote-title">{t('arena.voteHeading')}</h2>
          <div className="arena-vote-buttons">
            {VOTES.map((v, i) => (
              <button key={v} type="button" className={v === 'a' || v === 'b' ? 'primary' : undefined} disabled={voting} onClick={() => void vote(v)} aria-keyshortcuts={String(i + 1)} data-testid={`arena-vote-${v}`}>
                {t(`arena.votes.${v}`)} <kbd aria-hidden="true">{i + 1}</kbd>
              </button>
            ))}
          </div>
          <p className="hint">{t('arena.voteHint')}</p>
        </section>
      )}

      {closed && (
        <section className="arena-result card">
          {state.outcome !== null && (
            <p data-testid="arena-outcome">{t(`arena.voted.${state.outcome}`)}</p>
          )}
          {state.invalidReason !== null && (
            <p className="banner" role="status" data-testid="arena-invalid">
              {t(`arena.invalid.${state.invalidReason}`)}
            </p>
          )}
          <button type="button" className="primary" onClick={restart} data-testid="arena-new">
            {t('arena.newBattle')}
          </button>
        </section>
      )}

      <ErrorText error={error} />

      {!closed && list.length > 0 && (
        <form className="composer arena-composer" onSubmit={(e) => void send(e)}>
          <label htmlFor="arena-prompt" className="visually-hidden">
            {t('arena.promptLabel')}
          </label>
          <textarea
            id="arena-prompt"
            ref={prompt}
            rows={Math.min(8, Math.max(2, text.split('\n').length))}
            value={text}
            maxLength={200000}
            placeholder={state.battleId === null ? t('arena.placeholder') : t('arena.continuePlaceholder')}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                void send();
              }
              if (e.key === 'Escape' && streaming) {
                e.preventDefault();
                stop.current?.abort();
              }
            }}
            aria-describedby="arena-prompt-hint"
            data-testid="arena-prompt"
          />
          <span id="arena-prompt-hint" className="visually-hidden">
            {state.battleId === null ? t('chat.composerHint') : t('arena.continueHint')}
          </span>
          {streaming ? (
            <button type="button" className="stop" onClick={() => stop.current?.abort()} data-testid="arena-stop">
              {t('chat.stop')}
            </button>
          ) : (
            <button type="submit" className="primary" disabled={text.trim() === '' || communityId === null} data-testid="arena-send">
              {state.battleId === null ? t('arena.send') : t('arena.sendMore')}
            </button>
          )}
        </form>
      )}
      {state.phase === 'open' && <p className="hint">{t('arena.continueHint')}</p>}
    </div>
  );
}

function Answer({ answer, testId }: { answer: SideAnswer; testId: string }) {
  const { t, i18n } = useTranslation();
  const reason = answer.error === null ? '' : i18n.exists(`chatErrors.${answer.error}`) ? t(`chatErrors.${answer.error}` as 'chatErrors.unknown') : i18n.exists(`errors.${answer.error}`) ? t(`errors.${answer.error}` as 'errors.unknown') : answer.error === 'stopped' ? t('chat.stopped') : t('chatErrors.unknown');
  return (
    <div className={`message answer${answer.state === 'failed' ? ' state-failed' : ''}`} data-testid={testId} data-state={answer.state} aria-busy={answer.state === 'writing'}>
      {answer.text === '' && answer.state === 'writing' ? <p className="hint">{t('chat.writing')}</p> : <div className="message-body">{answer.state === 'done' ? <Markdown text={answer.text} /> : <p className="plain">{answer.text}</p>}</div>}
      {answer.state === 'failed' && (
        <p className="error-text" role="alert">
          {reason}
        </p>
      )}
    </div>
  );
}
