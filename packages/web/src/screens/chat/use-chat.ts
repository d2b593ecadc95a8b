import { useCallback, useMemo, useReducer, useRef } from 'react';
import { streamChat } from '../../api/chat-stream';
import type { ChatRequest, ConversationWithMessages } from '../../api/types';
import { randomId } from '../../lib/ids';
import { chatReducer, DRAFT_ID, emptyChat, historyBefore, offTheRecordAt, pathOf, type ChatNode, type ChatState } from './chat-state';

export interface ChatOptions {
  modelId: string;
  /** false while recording is paused: nothing is sent to be stored. */
  record: boolean;
  /** The community a new conversation belongs to. */
  communityId: string | null;
  onConversation?: (id: string) => void;
  onAnswered?: (node: ChatNode) => void;
  /** A refusal before the answer started (consent, validation…): nothing was stored; `content` goes back to the composer. */
  onRefused?: (error: unknown, content: string | null) => void;
  /** Stopped before the server said whether it stored the user turn: the screen reloads the conversation. */
  onStoppedEarly?: (content: string | null) => void;
}

/** One question to the model, how it is sent and where its turns go. */
interface Ask {
  request: ChatRequest;
  /** The user turn shown at once: pending (recorded, awaiting its id) or local. */
  userNode: ChatNode | null;
  /** The user turn the answer replies to, when it exists already (regenerate, retry). */
  answerTo: string | null;
  local: boolean;
}

const now = () => new Date().toISOString();

function userNode(state: ChatState, parentId: string | null, content: string, local: boolean): ChatNode {
  return {
    id: `${local ? 'local' : 'pending'}-${randomId()}`,
    conversation_id: state.conversationId ?? '',
    parent_id: parentId,
    role: 'user',
    content,
    model_id: null,
    model_version_id: null,
    model_name: null,
    contributor_id: null,
    language: null,
    status: 'active',
    created_at: now(),
    local,
    pending: !local,
  };
}

/**
 * The conversation on screen and the ways to extend it: send, regenerate, edit (both branch the
 * tree), retry a failed answer, stop. Recorded turns go to the server's tree; off the record
 * (paused, or below a turn that was not recorded) the tree lives only in this page and each
 * request carries the history instead.
 */
export function useChat(initialCommunity: string | null) {
  const [state, dispatch] = useReducer(chatReducer, initialCommunity, emptyChat);
  const stateRef = useRef(state);
  stateRef.current = state;
  const abortRef = useRef<AbortController | null>(null);
  const path = useMemo(() => pathOf(state), [state]);

  const run = useCallback(async (ask: Ask, options: ChatOptions) => {
    const previous = abortRef.current;
    const controller = new AbortController();
    abortRef.current = controller;
    previous?.abort();
    dispatch({ type: 'clear-draft' });
    let pendingId = ask.userNode?.id ?? null;
    if (ask.userNode !== null) dispatch({ type: 'add', node: ask.userNode });
    const parentId = ask.userNode?.id ?? ask.answerTo!;
    dispatch({ type: 'draft', draft: { parentId, text: '', state: 'streaming', error: null, modelId: ask.request.model_id, local: ask.local } });
    let answered = false;
    let received = '';
    try {
      await streamChat(ask.request, controller.signal, (event) => {
        switch (event.type) {
          case 'turn':
            if (event.conversation_id !== null && stateRef.current.conversationId !== event.conversation_id) {
              dispatch({ type: 'conversation', id: event.conversation_id, communityId: options.communityId });
              options.onConversation?.(event.conversation_id);
            }
            if (event.user_message !== null && pendingId !== null) {
              dispatch({ type: 'replace', oldId: pendingId, node: event.user_message });
              pendingId = null;
            }
            break;
          case 'token':
            if (received === '') performance.mark('openfeedback:first-token-received');
            received += event.text;
            dispatch({ type: 'token', text: event.text });
            break;
          case 'done': {
            answered = true;
            const draftParent = stateRef.current.draft?.parentId ?? parentId;
            const node: ChatNode =
              event.message ??
              ({
                ...userNode(stateRef.current, draftParent, event.text === '' ? '(empty answer)' : event.text, true),
                role: 'assistant',
                model_id: ask.request.model_id,
              } satisfies ChatNode);
            dispatch({ type: 'answered', node });
            options.onAnswered?.(node);
            break;
          }
          case 'error':
            answered = true;
            dispatch({ type: 'failed', code: event.code, message: event.message, partial: event.partial });
            break;
        }
      });
      if (!answered && !controller.signal.aborted && abortRef.current === controller) {
        // The stream ended without `done` or `error`: the connection was cut.
        dispatch({ type: 'failed', code: 'model_interrupted', message: '', partial: '' });
      }
    } catch (e) {
      // Superseded by another question, a reset or another conversation: the screen has moved on.
      if (abortRef.current !== controller) return;
      if (controller.signal.aborted) {
        if (pendingId !== null) {
          dispatch({ type: 'remove', id: pendingId });
          options.onStoppedEarly?.(ask.userNode?.content ?? null);
        } else dispatch({ type: 'stopped' });
      } else if (!answered && received === '' && (pendingId !== null || ask.userNode === null || ask.local)) {
        // Refused before anything was stored: take the turn back off the screen.
        if (ask.userNode !== null) dispatch({ type: 'remove', id: ask.userNode.id });
        else dispatch({ type: 'clear-draft' });
        options.onRefused?.(e, ask.userNode?.content ?? null);
      } else {
        dispatch({ type: 'failed', code: 'model_interrupted', message: e instanceof Error ? e.message : '', partial: received });
      }
    } finally {
      if (abortRef.current === controller) abortRef.current = null;
    }
  }, []);

  const ask = useCallback((s: ChatState, parentId: string | null, content: string, options: ChatOptions) => {
    const local = !options.record || offTheRecordAt(s, parentId);
    const node = userNode(s, parentId, content, local);
    const shown = pathOf(s);
    const request: ChatRequest = local
      ? { model_id: options.modelId, record: false, content, history: historyBefore(shown, firstChildOnPath(shown, parentId)) }
      : {
          model_id: options.modelId,
          record: true,
          content,
          ...(s.conversationId === null ? (options.communityId === null ? {} : { community_id: options.communityId }) : { conversation_id: s.conversationId, parent_id: parentId }),
        };
    return run({ request, userNode: node, answerTo: null, local }, options);
  }, [run]);

  /** A new user turn after the last one on screen (or, after a failed answer, in place of the unanswered question). */
  const send = useCallback(
    (content: string, options: ChatOptions) => {
      const s = stateRef.current;
      const shown = pathOf(s).filter((n) => n.id !== DRAFT_ID);
      const last = shown.at(-1) ?? null;
      const parentId = last === null ? null : last.role === 'user' ? last.parent_id : last.id;
      return ask(s, parentId, content, options);
    },
    [ask],
  );

  /** Another version of a user turn: a sibling under the same parent, answered anew. */
  const edit = useCallback((turn: ChatNode, content: string, options: ChatOptions) => ask(stateRef.current, turn.parent_id, content, options), [ask]);

  /** Another answer to a user turn (regenerate, or try again after a failure). */
  const answerAgain = useCallback(
    (turnId: string, replacing: ChatNode | null, options: ChatOptions) => {
      const s = stateRef.current;
      const turn = s.messages.find((m) => m.id === turnId);
      if (turn === undefined || turn.pending) return Promise.resolve();
      const local = !options.record || offTheRecordAt(s, turnId);
      const shown = pathOf(s);
      const request: ChatRequest = local
        ? { model_id: options.modelId, record: false, content: turn.content, history: historyBefore(shown, turnId) }
        : {
            model_id: options.modelId,
            record: true,
            conversation_id: s.conversationId!,
            parent_id: turnId,
            ...(replacing !== null && !replacing.local && replacing.id !== DRAFT_ID ? { regenerate_of: replacing.id } : {}),
          };
      return run({ request, userNode: null, answerTo: turnId, local }, options);
    },
    [run],
  );

  const stop = useCallback(() => abortRef.current?.abort(), []);
  const abandon = () => {
    const running = abortRef.current;
    abortRef.current = null;
    running?.abort();
  };
  const load = useCallback((conversation: ConversationWithMessages) => {
    abandon();
    dispatch({ type: 'load', conversation });
  }, []);
  const reset = useCallback((communityId: string | null) => {
    abandon();
    dispatch({ type: 'reset', communityId });
  }, []);
  const choose = useCallback((parentKey: string, childId: string) => dispatch({ type: 'choose', parentKey, childId }), []);
  const dismissDraft = useCallback(() => dispatch({ type: 'clear-draft' }), []);

  return { state, path, streaming: state.draft?.state === 'streaming', send, edit, answerAgain, stop, load, reset, choose, dismissDraft };
}

/** The node on the path right below `parentId` (where a new sibling goes), or null at the end. */
function firstChildOnPath(path: readonly ChatNode[], parentId: string | null): string | null {
  return path.find((n) => n.parent_id === parentId)?.id ?? null;
}
