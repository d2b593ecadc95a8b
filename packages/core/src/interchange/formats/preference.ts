import { contentId } from '../content-id.js';
import { invalidRecord, isRecord, readTurns } from '../import-helpers.js';
import type { ImportFormat, ImportResult } from '../imported.js';
import { hhRlhfPair, preferencePair, type Turn } from './hh-rlhf.js';

/*
 * Preference rows as TRL and LLaMA-Factory train on them, the layout recognised per record:
 * - TRL, explicit prompt: `{prompt, chosen, rejected}`, each a string (standard) or a list of
 *   `{role, content}` turns (conversational). A chosen list that repeats the prompt turns (as
 *   ultrafeedback_binarized does) is taken as the whole conversation.
 * - TRL, implicit prompt: `{chosen, rejected}` as two whole conversations (the prompt is the turns
 *   they share), or as two HH-RLHF transcripts.
 * - LLaMA-Factory, sharegpt: `{conversations: [{from, value}], chosen: {from, value}, rejected: {…}, system?}`.
 * - LLaMA-Factory, alpaca: `{instruction, input?, chosen, rejected, system?, history?: [[q, a], …]}`.
 * - LLaMA-Factory v1: `{chosen_messages: [{role, content: [{type: "text", value}], loss_weight}], rejected_messages}`.
 * Each becomes the HH-RLHF shape: the shared turns, the two answers as sibling assistant messages
 * and a pairwise vote for the chosen one. The rows carry no ids: ids come from their content.
 */

/** A prompt, answer or conversation as a string (one turn of `role`) or a list of turns. */
export function turnsOf(value: unknown, field: string, role: 'user' | 'assistant'): Turn[] | string {
  if (typeof value === 'string') return [{ role, content: value }];
  if (isRecord(value)) return readTurns([value], field);
  return readTurns(value, field);
}

/** `prompt` then `answer`, unless the answer already starts with the prompt's turns (then it is the whole conversation). */
export function promptThen(prompt: readonly Turn[], answer: readonly Turn[]): Turn[] {
  const repeats = answer.length > prompt.length && prompt.every((t, i) => t.role === answer[i]!.role && t.content === answer[i]!.content);
  return repeats ? [...answer] : [...prompt, ...answer];
}

/** LLaMA-Factory's optional `system` column, put before the turns (unless they start with the same system prompt). */
export function withSystem(record: Record<string, unknown>, turns: Turn[]): Turn[] | string {
  const system = record.system;
  if (system === undefined || system === null || system === '') return turns;
  if (typeof system !== 'string') return 'system must be a string';
  if (turns[0]?.role === 'system' && turns[0].content === system) return turns;
  return [{ role: 'system', content: system }, ...turns];
}

/** LLaMA-Factory alpaca `history`: `[[query, answer], …]` before the instruction. */
function historyTurns(value: unknown): Turn[] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return 'history must be a list of [query, answer] pairs';
  const turns: Turn[] = [];
  for (const [i, pair] of value.entries()) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') return `history[${i}] must be a [query, answer] pair of strings`;
    turns.push({ role: 'user', content: pair[0] }, { role: 'assistant', content: pair[1] });
  }
  return turns;
}

type Sides = { chosen: Turn[]; rejected: Turn[] } | string;

function bothSides(prompt: Turn[], record: Record<string, unknown>, chosenField: string, rejectedField: string): Sides {
  const chosen = turnsOf(record[chosenField], chosenField, 'assistant');
  if (typeof chosen === 'string') return chosen;
  const rejected = turnsOf(record[rejectedField], rejectedField, 'assistant');
  if (typeof rejected === 'string') return rejected;
  return { chosen: promptThen(prompt, chosen), rejected: promptThen(prompt, rejected) };
}

/** The two sides of a row, whatever its layout, or why it is not a preference row. */
function sidesOf(record: Record<string, unknown>): Sides | 'hh-rlhf' {
  if ('chosen_messages' in record || 'rejected_messages' in record) {
    const chosen = readTurns(record.chosen_messages, 'chosen_messages');
    if (typeof chosen === 'string') return chosen;
    const rejected = readTurns(record.rejected_messages, 'rejected_messages');
    if (typeof rejected === 'string') return rejected;
    return { chosen, rejected };
  }
  if (!('chosen' in record) || !('rejected' in record)) {
    const kto = 'label' in record && ('completion' in record || 'messages' in record || 'conversations' in record);
    if (kto) return 'a KTO row (a label, no chosen and rejected): import it with the kto format';
    const keys = Object.keys(record).slice(0, 8).join(', ') || 'none';
    return `not a preference row: expected prompt/chosen/rejected (TRL), conversations/chosen/rejected or instruction/chosen/rejected (LLaMA-Factory), or chosen_messages/rejected_messages (LLaMA-Factory v1); the keys are ${keys}`;
  }
  if ('conversations' in record || 'messages' in record) {
    const field = 'conversations' in record ? 'conversations' : 'messages';
    const prompt = readTurns(record[field], field);
    if (typeof prompt === 'string') return prompt;
    const full = withSystem(record, prompt);
    return typeof full === 'string' ? full : bothSides(full, record, 'chosen', 'rejected');
  }
  if ('instruction' in record) {
    if (typeof record.instruction !== 'string') return 'instruction must be a string';
    if (record.input !== undefined && record.input !== null && typeof record.input !== 'string') return 'input must be a string';
    const history = historyTurns(record.history);
    if (typeof history === 'string') return history;
    const query = typeof record.input === 'string' && record.input !== '' ? `${record.instruction}\n${record.input}` : record.instruction;
    const full = withSystem(record, [...history, { role: 'user', content: query }]);
    return typeof full === 'string' ? full : bothSides(full, record, 'chosen', 'rejected');
  }
  if ('prompt' in record && record.prompt !== null && record.prompt !== undefined) {
    const prompt = turnsOf(record.prompt, 'prompt', 'user');
    return typeof prompt === 'string' ? prompt : bothSides(prompt, record, 'chosen', 'rejected');
  }
  // Implicit prompt: two whole conversations, or two HH-RLHF transcripts.
  if (typeof record.chosen === 'string' && typeof record.rejected === 'string') {
    if (/(^|\n\n)Human:/.test(record.chosen)) return 'hh-rlhf';
    return 'chosen and rejected are plain texts with no prompt: there is no user turn they answer';
  }
  return bothSides([], record, 'chosen', 'rejected');
}

function readPreference(record: unknown, position: number, source: string): ImportResult {
  if (!isRecord(record)) return invalidRecord(position, 'a preference record must be an object');
  const sides = sidesOf(record);
  if (sides === 'hh-rlhf') return hhRlhfPair(record, position, source);
  if (typeof sides === 'string') return invalidRecord(position, sides);
  const id = `${source}:${contentId(JSON.stringify([sides.chosen, sides.rejected]))}`;
  return preferencePair(position, id, sides.chosen, sides.rejected);
}

/** TRL / LLaMA-Factory preference rows (prompt/chosen/rejected, as strings or conversations). */
export const preferenceFormat: ImportFormat = {
  name: 'preference',
  description: 'TRL / LLaMA-Factory preference rows (prompt/chosen/rejected, as strings or conversations)',
  defaultLicence: null,
  createReader: ({ source }) => ({
    read: (record, position) => [readPreference(record, position, source)],
    finish: () => [],
  }),
};
