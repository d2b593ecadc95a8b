import { orderTree } from '../message-tree.js';
import type { ImportedConversation, ImportResult, SkippedPart } from './imported.js';

/** A record that cannot be imported, with the reason the report shows. */
export function invalidRecord(position: number, message: string): ImportResult {
  return { ok: false, position, code: 'invalid_record', message };
}

/**
 * Checks the tree an importer built (every parent present, no cycle, turns that alternate) and
 * answers the result the report counts.
 */
export function checkedConversation(position: number, conversation: ImportedConversation, skipped: SkippedPart[] = [], notes: string[] = []): ImportResult {
  if (conversation.messages.length === 0) return { ok: false, position, code: 'empty_record', message: 'the record holds no messages' };
  const tree = orderTree(conversation.messages);
  if (!tree.ok) {
    const what = {
      parent_not_found: 'a message names a parent that is not in the record',
      assistant_needs_user_parent: 'an assistant turn does not answer a user turn',
      user_cannot_follow_user: 'two user turns follow each other',
      system_must_be_root: 'a system message is not the first of its branch',
      cycle: 'parent ids form a cycle',
      duplicate_id: 'two messages share an id',
    }[tree.error];
    return { ok: false, position, code: 'invalid_tree', message: `${what} (message ${tree.id})` };
  }
  return { ok: true, position, conversation: { ...conversation, messages: tree.ordered }, skipped, notes };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Role names the chat formats use, mapped onto the pool's three. */
const ROLES: Record<string, 'system' | 'user' | 'assistant'> = {
  system: 'system',
  user: 'user',
  human: 'user',
  prompter: 'user',
  assistant: 'assistant',
  gpt: 'assistant',
  chatgpt: 'assistant',
  bard: 'assistant',
  bing: 'assistant',
  model: 'assistant',
};

export function poolRole(name: unknown): 'system' | 'user' | 'assistant' | undefined {
  return typeof name === 'string' ? ROLES[name.toLowerCase()] : undefined;
}

/**
 * A list of chat turns as formats write them (`{role, content}` or ShareGPT's `{from, value}`; content
 * as a string or as typed parts `[{type: "text", text | value}]`), or a message saying what is wrong.
 */
export function readTurns(value: unknown, field: string): { role: 'system' | 'user' | 'assistant'; content: string }[] | string {
  if (!Array.isArray(value)) return `${field} must be a list of turns`;
  const turns: { role: 'system' | 'user' | 'assistant'; content: string }[] = [];
  for (const [i, turn] of value.entries()) {
    if (!isRecord(turn)) return `${field}[${i}] must be an object`;
    const role = poolRole(turn.role ?? turn.from);
    if (role === undefined) return `${field}[${i}] has an unknown role ${JSON.stringify(turn.role ?? turn.from)}`;
    const content = textOf(turn.content ?? turn.value);
    if (content === undefined) return `${field}[${i}] has no text content`;
    turns.push({ role, content });
  }
  return turns;
}

/** Text from a string or from typed content parts (`[{type: "text", text}]`, LLaMA-Factory's `value`). */
export function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const parts = content.map((p) => (isRecord(p) && (p.type === undefined || p.type === 'text') ? (p.text ?? p.value) : undefined));
    if (parts.every((p) => typeof p === 'string')) return parts.join('');
  }
  return undefined;
}

/** A linear chain of messages with ids `${prefix}:0`, `${prefix}:1`, … */
export function chain(prefix: string, turns: { role: 'system' | 'user' | 'assistant'; content: string }[], extra: (i: number) => Partial<ImportedConversation['messages'][number]> = () => ({})): ImportedConversation['messages'] {
  return turns.map((t, i) => ({
    id: `${prefix}:${i}`,
    parent_id: i === 0 ? null : `${prefix}:${i - 1}`,
    role: t.role,
    content: t.content,
    author: null,
    model_name: null,
    language: null,
    created_at: null,
    source_meta: null,
    ...extra(i),
  }));
}
