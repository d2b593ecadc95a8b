import type { ArenaBattle, ArenaEvent, ArenaInvalidReason, ArenaSide } from '../../api/types';

/** One side's answer to one turn, as it streams in. */
export interface SideAnswer {
  text: string;
  state: 'writing' | 'done' | 'failed';
  /** Why it failed: a chat failure code (model_unavailable, …), consent_required, internal_error or stopped. */
  error: string | null;
}

export interface ArenaTurnView {
  prompt: string;
  a: SideAnswer;
  b: SideAnswer;
}

export type ArenaOutcome = ArenaSide | 'tie' | 'both_bad';

/**
 * A battle on the page: `idle` before the first prompt, `streaming` while answers come, `open` when
 * both are in (vote or continue), `closed` once voted or invalid (names shown when known).
 */
export interface ArenaState {
  battleId: string | null;
  conversationId: string | null;
  turns: ArenaTurnView[];
  phase: 'idle' | 'streaming' | 'open' | 'closed';
  invalidReason: ArenaInvalidReason | null;
  outcome: ArenaOutcome | null;
  names: Record<ArenaSide, string | null>;
}

export type ArenaAction =
  | { type: 'ask'; prompt: string }
  | { type: 'event'; event: ArenaEvent }
  /** The server refused the turn before answering (nothing stored): take the turn back. */
  | { type: 'refused' }
  /** The person stopped the answers (the server closes the battle as stopped). */
  | { type: 'stopped' }
  /** Voting closed (by the vote, or the battle closed itself): what the server says of it. */
  | { type: 'closed'; battle: ArenaBattle }
  | { type: 'reset' };

export const initialArena: ArenaState = { battleId: null, conversationId: null, turns: [], phase: 'idle', invalidReason: null, outcome: null, names: { a: null, b: null } };

const writing = (): SideAnswer => ({ text: '', state: 'writing', error: null });

function updateLast(state: ArenaState, side: ArenaSide, update: (answer: SideAnswer) => SideAnswer): ArenaState {
  const last = state.turns.at(-1);
  if (last === undefined) return state;
  return { ...state, turns: [...state.turns.slice(0, -1), { ...last, [side]: update(last[side]) }] };
}

export function arenaReducer(state: ArenaState, action: ArenaAction): ArenaState {
  switch (action.type) {
    case 'ask':
      return { ...state, phase: 'streaming', turns: [...state.turns, { prompt: action.prompt, a: writing(), b: writing() }] };
    case 'refused':
      return { ...state, phase: state.battleId === null ? 'idle' : 'open', turns: state.turns.slice(0, -1) };
    case 'stopped': {
      const stop = (a: SideAnswer): SideAnswer => (a.state === 'writing' ? { ...a, state: 'failed', error: 'stopped' } : a);
      const last = state.turns.at(-1);
      if (state.phase !== 'streaming' || last === undefined) return state;
      return { ...state, phase: 'closed', invalidReason: 'stopped', turns: [...state.turns.slice(0, -1), { ...last, a: stop(last.a), b: stop(last.b) }] };
    }
    case 'closed': {
      const b = action.battle;
      return {
        ...state,
        phase: b.status === 'open' ? state.phase : 'closed',
        invalidReason: b.invalid_reason,
        outcome: b.outcome,
        names: { a: b.model_a?.name ?? null, b: b.model_b?.name ?? null },
      };
    }
    case 'reset':
      return initialArena;
    case 'event':
      return onEvent(state, action.event);
  }
}

function onEvent(state: ArenaState, event: ArenaEvent): ArenaState {
  switch (event.type) {
    case 'start':
      return { ...state, battleId: event.battle_id, conversationId: event.conversation_id };
    case 'token':
      return updateLast(state, event.side, (a) => ({ ...a, text: a.text + event.text }));
    case 'done':
      // The stored text (scrubbed of personal data) replaces what streamed.
      return updateLast(state, event.side, () => ({ text: event.message.content, state: 'done', error: null }));
    case 'error':
      return updateLast(state, event.side, (a) => ({ ...a, state: 'failed', error: event.code }));
    case 'end':
      return { ...state, phase: event.status === 'open' ? 'open' : 'closed', invalidReason: event.invalid_reason };
  }
}
