import { contentId } from '../content-id.js';
import { checkedConversation, invalidRecord, isRecord } from '../import-helpers.js';
import type { ImportedConversation, ImportedMessage, ImportFormat, ImportResult } from '../imported.js';

/** A chat turn in the pool's roles. */
export interface Turn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/*
 * Anthropic's HH-RLHF (anthropics/hh-rlhf): each line holds two transcripts of one dialogue,
 * `{"chosen": "\n\nHuman: … \n\nAssistant: …", "rejected": "…"}`, that share every turn but the
 * last assistant answer. The shared turns become the conversation, the two answers sibling
 * assistant messages, and the crowdworker's preference a pairwise vote (chosen over rejected).
 *
 * The transcripts are text, and a few are not quite well formed:
 * - a doubled `\n\nAssistant:` marker (two assistant turns in a row, which a chat tree cannot hold):
 *   the consecutive turns of one role are merged into one, joined by a line break (a blank line
 *   could make a new `\n\nHuman:` marker of a turn that starts with "Human:"); the record is noted
 *   `turns_merged`. In harmless-base these are all the pairs whose "prompts" look different
 *   when cut at the last `\n\nAssistant:`: merged, their prompts agree.
 * - prompts that really differ: the tree keeps the turns both share and hangs each transcript's
 *   remaining turns under them as two branches; the one pairwise vote still compares the two final
 *   answers, and the record is noted `prompts_differ`.
 */

const MARKER = /\n\n(Human|Assistant):/g;

/**
 * The turns of an HH-RLHF transcript, each trimmed, with consecutive turns of one role merged; or
 * what is wrong with it.
 * @example parseTranscript('\n\nHuman: Hi\n\nAssistant: Hello') // { turns: [{role:'user',content:'Hi'},{role:'assistant',content:'Hello'}], merged: false }
 */
export function parseTranscript(text: string, field: string): { turns: Turn[]; merged: boolean } | string {
  const normalized = text.startsWith('Human:') || text.startsWith('Assistant:') ? `\n\n${text}` : text;
  const parts = normalized.split(MARKER);
  // split with a capture group: [before, role, content, role, content, …]
  if (parts.length < 3) return `${field} is not an HH-RLHF transcript (no "\\n\\nHuman:" / "\\n\\nAssistant:" turns)`;
  if (parts[0]!.trim() !== '') return `${field} has text before its first "Human:" turn`;
  const turns: Turn[] = [];
  let merged = false;
  for (let i = 1; i < parts.length; i += 2) {
    const role = parts[i] === 'Human' ? 'user' : 'assistant';
    const content = parts[i + 1]!.trim();
    const last = turns.at(-1);
    if (last !== undefined && last.role === role) {
      last.content = last.content === '' ? content : content === '' ? last.content : `${last.content}\n${content}`;
      merged = true;
    } else {
      turns.push({ role, content });
    }
  }
  if (turns[0]!.role !== 'user') return `${field} starts with an Assistant: turn`;
  if (turns.at(-1)!.role !== 'assistant') return `${field} does not end with an Assistant: turn`;
  return { turns, merged };
}

function sameTurn(a: Turn, b: Turn): boolean {
  return a.role === b.role && a.content === b.content;
}

/**
 * A preference pair as a tree: the turns both sides share (at most all but the last of the
 * shorter), then each side's remaining turns as a branch, and a pairwise vote for the chosen leaf
 * over the rejected one. Notes `prompts_differ` when a branch holds more than the final answer.
 * Message ids are `<id>:<n>` for shared turns and `<id>:c<n>` / `<id>:r<n>` on the branches.
 */
export function preferencePair(position: number, id: string, chosen: readonly Turn[], rejected: readonly Turn[], notes: readonly string[] = []): ImportResult {
  if (chosen.length === 0 || rejected.length === 0) return { ok: false, position, code: 'empty_record', message: 'the record holds no messages' };
  if (chosen.at(-1)!.role !== 'assistant') return invalidRecord(position, 'the chosen side does not end with an assistant turn');
  if (rejected.at(-1)!.role !== 'assistant') return invalidRecord(position, 'the rejected side does not end with an assistant turn');
  const limit = Math.min(chosen.length, rejected.length) - 1;
  let shared = 0;
  while (shared < limit && sameTurn(chosen[shared]!, rejected[shared]!)) shared++;
  const messages: ImportedMessage[] = [];
  const add = (msgId: string, parent: string | null, turn: Turn) => {
    messages.push({ id: msgId, parent_id: parent, role: turn.role, content: turn.content, author: null, model_name: null, language: null, created_at: null, source_meta: null });
    return msgId;
  };
  let parent: string | null = null;
  for (let i = 0; i < shared; i++) parent = add(`${id}:${i}`, parent, chosen[i]!);
  const branch = (tag: 'c' | 'r', turns: readonly Turn[]) => {
    let p = parent;
    for (let i = shared; i < turns.length; i++) p = add(`${id}:${tag}${i}`, p, turns[i]!);
    return p!;
  };
  const chosenLeaf = branch('c', chosen);
  const rejectedLeaf = branch('r', rejected);
  const allNotes = [...notes];
  if (chosen.length - shared > 1 || rejected.length - shared > 1) allNotes.push('prompts_differ');
  const conversation: ImportedConversation = {
    id,
    title: null,
    language: null,
    created_at: null,
    author: null,
    messages,
    feedback: [{ id: `${id}:pairwise`, kind: 'pairwise', message_id: chosenLeaf, other_message_id: rejectedLeaf, outcome: 'a', author: null, annotator_role: 'third_party', created_at: null }],
  };
  return checkedConversation(position, conversation, [], allNotes);
}

/** One HH-RLHF row (`{chosen, rejected}` transcripts) as a preference pair; shared with the preference format's implicit-prompt rows. */
export function hhRlhfPair(record: Record<string, unknown>, position: number, source: string): ImportResult {
  const { chosen, rejected } = record;
  if (typeof chosen !== 'string' || typeof rejected !== 'string') return invalidRecord(position, 'chosen and rejected must be transcripts (strings)');
  const c = parseTranscript(chosen, 'chosen');
  if (typeof c === 'string') return invalidRecord(position, c);
  const r = parseTranscript(rejected, 'rejected');
  if (typeof r === 'string') return invalidRecord(position, r);
  const id = `${source}:${contentId(JSON.stringify([chosen, rejected]))}`;
  return preferencePair(position, id, c.turns, r.turns, c.merged || r.merged ? ['turns_merged'] : []);
}

/** Anthropic HH-RLHF pairs ({chosen, rejected} transcripts). */
export const hhRlhfFormat: ImportFormat = {
  name: 'hh-rlhf',
  description: 'Anthropic HH-RLHF pairs ({chosen, rejected} transcripts)',
  defaultLicence: 'MIT',
  createReader: ({ source }) => ({
    read(record, position) {
      if (!isRecord(record)) return [invalidRecord(position, 'an HH-RLHF record must be an object with chosen and rejected transcripts')];
      if (typeof record.chosen !== 'string' || typeof record.rejected !== 'string') {
        const hint = 'label' in record ? ' (this looks like a KTO row: use the kto format)' : 'chosen' in record || 'chosen_messages' in record ? ' (this looks like a TRL / LLaMA-Factory row: use the preference format)' : '';
        return [invalidRecord(position, `an HH-RLHF record needs chosen and rejected transcripts (strings)${hint}`)];
      }
      return [hhRlhfPair(record, position, source)];
    },
    finish: () => [],
  }),
};
