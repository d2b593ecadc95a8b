import { contentId } from '../content-id.js';
import { chain, checkedConversation, invalidRecord, isRecord, readTurns } from '../import-helpers.js';
import type { ImportFormat, ImportResult } from '../imported.js';
import type { Turn } from './hh-rlhf.js';
import { promptThen, turnsOf, withSystem } from './preference.js';

/*
 * Unpaired preference rows for KTO, the layout recognised per record:
 * - TRL: `{prompt, completion, label}`, prompt and completion as strings (standard) or lists of
 *   `{role, content}` turns (conversational); or, with an implicit prompt, `{completion, label}` where
 *   the completion is the whole conversation.
 * - LLaMA-Factory: `{messages | conversations: [...], label, system?}`, the conversation ending in
 *   the judged answer.
 * Each becomes the conversation up to the judged assistant turn, with a thumbs up (label true) or
 * down (false) on that turn from the dataset's annotators.
 */

function turnsOfRow(record: Record<string, unknown>): Turn[] | string {
  if ('chosen' in record || 'rejected' in record || 'chosen_messages' in record) return 'a preference row (chosen and rejected): import it with the preference format';
  if ('completion' in record) {
    const completion = turnsOf(record.completion, 'completion', 'assistant');
    if (typeof completion === 'string') return completion;
    if (record.prompt === undefined || record.prompt === null) {
      if (typeof record.completion === 'string') return 'a completion with no prompt: there is no user turn it answers';
      return completion;
    }
    const prompt = turnsOf(record.prompt, 'prompt', 'user');
    if (typeof prompt === 'string') return prompt;
    return promptThen(prompt, completion);
  }
  if ('messages' in record || 'conversations' in record) {
    const field = 'messages' in record ? 'messages' : 'conversations';
    const turns = readTurns(record[field], field);
    return typeof turns === 'string' ? turns : withSystem(record, turns);
  }
  const keys = Object.keys(record).slice(0, 8).join(', ') || 'none';
  return `not a KTO row: expected prompt/completion/label (TRL) or messages/label (LLaMA-Factory); the keys are ${keys}`;
}

function readKto(record: unknown, position: number, source: string): ImportResult {
  if (!isRecord(record)) return invalidRecord(position, 'a KTO record must be an object');
  const turns = turnsOfRow(record);
  if (typeof turns === 'string') return invalidRecord(position, turns);
  if (typeof record.label !== 'boolean') return invalidRecord(position, `label must be true or false, not ${JSON.stringify(record.label) ?? 'missing'}`);
  if (turns.length === 0) return { ok: false, position, code: 'empty_record', message: 'the record holds no messages' };
  if (turns.at(-1)!.role !== 'assistant') return invalidRecord(position, 'the conversation does not end with the assistant turn the label judges');
  const id = `${source}:${contentId(JSON.stringify([turns, record.label]))}`;
  const messages = chain(id, turns);
  const judged = messages.at(-1)!.id;
  return checkedConversation(position, {
    id,
    title: null,
    language: null,
    created_at: null,
    author: null,
    messages,
    feedback: [{ id: `${id}:thumbs`, kind: 'thumbs', message_id: judged, value: record.label ? 'up' : 'down', author: null, annotator_role: 'third_party', created_at: null }],
  });
}

/** TRL / LLaMA-Factory KTO rows (prompt/completion/label, or messages + label). */
export const ktoFormat: ImportFormat = {
  name: 'kto',
  description: 'TRL / LLaMA-Factory KTO rows (prompt/completion/label, or messages + label)',
  defaultLicence: null,
  createReader: ({ source }) => ({
    read: (record, position) => [readKto(record, position, source)],
    finish: () => [],
  }),
};
