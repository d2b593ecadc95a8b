import type { ConversationWithMessages, Message } from '../../api/types';
import { choicesFor, visiblePath } from '../../lib/tree';

/** A message of the tree on screen; `local` ones were never recorded, `pending` ones await their id. */
export type ChatNode = Message & { local?: boolean; pending?: boolean };

/** The answer being written, or the one that failed or was stopped (never stored: shown as such). */
export interface Draft {
  /** The user turn it answers. */
  parentId: string;
  text: string;
  state: 'streaming' | 'failed' | 'stopped';
  error: { code: string; message: string } | null;
  modelId: string;
  local: boolean;
}

export interface ChatState {
  conversationId: string | null;
  communityId: string | null;
  messages: ChatNode[];
  /** At each branching point (parent id, '' for the roots) the alternative on screen. */
  chosen: Record<string, string>;
  draft: Draft | null;
}

export const DRAFT_ID = '__draft__';

export const emptyChat = (communityId: string | null = null): ChatState => ({ conversationId: null, communityId, messages: [], chosen: {}, draft: null });

export type ChatAction =
  | { type: 'load'; conversation: ConversationWithMessages }
  | { type: 'reset'; communityId: string | null }
  | { type: 'conversation'; id: string; communityId: string | null }
  | { type: 'add'; node: ChatNode }
  | { type: 'replace'; oldId: string; node: ChatNode }
  | { type: 'remove'; id: string }
  | { type: 'choose'; parentKey: string; childId: string }
  | { type: 'draft'; draft: Draft }
  | { type: 'token'; text: string }
  | { type: 'answered'; node: ChatNode }
  | { type: 'failed'; code: string; message: string; partial: string }
  | { type: 'stopped' }
  | { type: 'clear-draft' };

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'load': {
      const c = action.conversation;
      const messages = c.messages.filter((m) => m.status === 'active');
      return { conversationId: c.id, communityId: c.community_id, messages, chosen: {}, draft: null };
    }
    case 'reset':
      return emptyChat(action.communityId);
    case 'conversation':
      return { ...state, conversationId: action.id, communityId: state.communityId ?? action.communityId };
    case 'add':
      return { ...state, messages: [...state.messages, action.node], chosen: { ...state.chosen, [action.node.parent_id ?? '']: action.node.id } };
    case 'replace': {
      const messages = state.messages.map((m) => (m.id === action.oldId ? action.node : m.parent_id === action.oldId ? { ...m, parent_id: action.node.id } : m));
      const chosen: Record<string, string> = {};
      for (const [k, v] of Object.entries(state.chosen)) chosen[k === action.oldId ? action.node.id : k] = v === action.oldId ? action.node.id : v;
      const draft = state.draft?.parentId === action.oldId ? { ...state.draft, parentId: action.node.id } : state.draft;
      return { ...state, messages, chosen, draft };
    }
    case 'remove': {
      const draft = state.draft?.parentId === action.id ? null : state.draft;
      return { ...state, messages: state.messages.filter((m) => m.id !== action.id), draft };
    }
    case 'choose':
      return { ...state, chosen: { ...state.chosen, [action.parentKey]: action.childId } };
    case 'draft':
      return { ...state, draft: action.draft, chosen: { ...state.chosen, [action.draft.parentId]: DRAFT_ID } };
    case 'token':
      return state.draft === null ? state : { ...state, draft: { ...state.draft, text: state.draft.text + action.text } };
    case 'answered': {
      const chosen = { ...state.chosen, [action.node.parent_id ?? '']: action.node.id };
      return { ...state, messages: [...state.messages, action.node], chosen, draft: null };
    }
    case 'failed':
      return state.draft === null
        ? state
        : { ...state, draft: { ...state.draft, state: 'failed', text: action.partial || state.draft.text, error: { code: action.code, message: action.message } } };
    case 'stopped':
      return state.draft === null || state.draft.state !== 'streaming' ? state : { ...state, draft: { ...state.draft, state: 'stopped' } };
    case 'clear-draft': {
      if (state.draft === null) return state;
      const chosen = { ...state.chosen };
      if (chosen[state.draft.parentId] === DRAFT_ID) delete chosen[state.draft.parentId];
      return { ...state, draft: null, chosen };
    }
  }
}

/** The draft as a node of the tree (the newest child of its user turn), so that it sits among the alternatives. */
export function draftNode(state: ChatState): ChatNode | null {
  const d = state.draft;
  if (d === null) return null;
  return {
    id: DRAFT_ID,
    conversation_id: state.conversationId ?? '',
    parent_id: d.parentId,
    role: 'assistant',
    content: d.text,
    model_id: d.modelId,
    model_version_id: null,
    model_name: null,
    contributor_id: null,
    language: null,
    status: 'active',
    created_at: '9999-12-31T23:59:59.999Z',
    local: d.local,
  };
}

/** Every node, the draft included. */
export function allNodes(state: ChatState): ChatNode[] {
  const d = draftNode(state);
  return d === null ? state.messages : [...state.messages, d];
}

/** The branch on screen, the draft included when it is on it. */
export function pathOf(state: ChatState): ChatNode[] {
  return visiblePath(allNodes(state), state.chosen);
}

/** Puts `id` on screen: chooses it and its ancestors at their branching points. */
export function chooseNode(state: ChatState, id: string): Record<string, string> {
  return { ...state.chosen, ...choicesFor(allNodes(state), id) };
}

/** The turns up to (and without) `beforeId`, as the model reads them: what an unrecorded chat sends as history. */
export function historyBefore(path: readonly ChatNode[], beforeId: string | null): { role: 'system' | 'user' | 'assistant'; content: string }[] {
  const out: { role: 'system' | 'user' | 'assistant'; content: string }[] = [];
  for (const m of path) {
    if (m.id === beforeId) break;
    if (m.id === DRAFT_ID) continue;
    out.push({ role: m.role, content: m.content });
  }
  return out;
}

/** True when any node from the root to `id` was not recorded: what follows cannot be recorded either. */
export function offTheRecordAt(state: ChatState, id: string | null): boolean {
  const byId = new Map(state.messages.map((m) => [m.id, m] as const));
  const seen = new Set<string>();
  for (let cur = id === null ? undefined : byId.get(id); cur !== undefined && !seen.has(cur.id); cur = cur.parent_id === null ? undefined : byId.get(cur.parent_id)) {
    seen.add(cur.id);
    if (cur.local) return true;
  }
  return false;
}
