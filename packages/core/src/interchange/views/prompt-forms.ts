import type { ChatTurn, ColumnSpec, ExportMessage, ViewOptions } from '../export-view.js';
import type { MessageTree } from '../tree-paths.js';

/*
 * How the training views (sft, dpo, kto, reward) write a prompt and an answer, in TRL's two formats
 * (https://huggingface.co/docs/trl/dataset_formats): `conversational`, lists of `{role, content}`
 * that the trainer passes through the model's chat template; `standard`, plain strings. The
 * standard rendering is Anthropic HH-RLHF's transcript, the one TRL's first DPO examples split
 * (`"\n\nHuman: …\n\nAssistant:"` + `" answer"`): prompt + completion concatenated is exactly an
 * HH-RLHF `chosen`/`rejected` string, and an HH-RLHF import exports back to its own text.
 */

const SPEAKERS: Record<string, string> = { system: 'System', user: 'Human', assistant: 'Assistant' };

/**
 * The turns an answer replies to, from the root through its parent. Null when it replies to
 * nothing, or when the thread is broken (an ancestor withdrawn, a damaged tree): a prompt with a
 * hole in it would teach the wrong context.
 * @example promptOf(tree, answer)?.map((m) => m.role) // ['user']
 */
export function promptOf(tree: MessageTree, answer: ExportMessage): ExportMessage[] | null {
  if (answer.parent_id === null) return null;
  const path = tree.pathTo(answer.parent_id);
  return path.length > 0 && path[0]!.parent_id === null ? path : null;
}

export function turnsOf(messages: readonly ExportMessage[]): ChatTurn[] {
  return messages.map((m) => ({ role: m.role, content: m.content }));
}

/**
 * Turns as one HH-RLHF style transcript, each `\n\n<Speaker>: <content>`.
 * @example renderTurns([{ role: 'user', content: 'Hi' }]) // '\n\nHuman: Hi'
 */
export function renderTurns(turns: readonly ChatTurn[]): string {
  return turns.map((t) => `\n\n${SPEAKERS[t.role] ?? t.role}: ${t.content}`).join('');
}

/** An explicit prompt: the turns, then the cue for the answer (conversational: the turns themselves). */
export function promptValue(turns: readonly ChatTurn[], form: ViewOptions['form']): ChatTurn[] | string {
  return form === 'conversational' ? [...turns] : `${renderTurns(turns)}\n\nAssistant:`;
}

/** An answer after an explicit prompt: one assistant turn, or its text after a space (TRL's `" blue."`). */
export function answerValue(text: string, form: ViewOptions['form']): ChatTurn[] | string {
  return form === 'conversational' ? [{ role: 'assistant', content: text }] : ` ${text}`;
}

/** A whole thread ending in an answer (SFT `messages`, reward pairs with an implicit prompt). */
export function threadValue(turns: readonly ChatTurn[], text: string, form: ViewOptions['form']): ChatTurn[] | string {
  return form === 'conversational' ? [...turns, { role: 'assistant', content: text }] : `${renderTurns(turns)}\n\nAssistant: ${text}`;
}

/** A column that holds turns: `messages` (LIST<STRUCT<role, content>>) when conversational, else a string. */
export function turnsColumn(name: string, form: ViewOptions['form'], description: string): ColumnSpec {
  return { name, type: form === 'conversational' ? 'messages' : 'string', nullable: false, description };
}

/** Who wrote an answer: the registered model, else the model the imported source names. */
export function modelOf(m: ExportMessage): string | null {
  return m.model_id ?? m.model_name ?? null;
}
