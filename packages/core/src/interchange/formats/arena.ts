import type { PairwiseOutcome } from '../../feedback.js';
import { contentId } from '../content-id.js';
import { checkedConversation, invalidRecord, isRecord, readTurns } from '../import-helpers.js';
import type { ImportedMessage, ImportFormat, ImportResult } from '../imported.js';
import { languageTagOf } from './language-names.js';

/*
 * Chatbot Arena battles, as lmsys/chatbot_arena_conversations publishes them (dataset card
 * features) and FastChat's fastchat/serve/monitor/clean_battle_data.py writes them:
 * `{question_id, model_a, model_b, winner: model_a | model_b | tie | tie (bothbad), judge,
 * conversation_a, conversation_b: [{role, content}], turn, anony, language, tstamp,
 * openai_moderation?, toxic_chat_tag?}`.
 *
 * One battle is one conversation: the prompt both models saw is shared, and each model's answers
 * (with the later user turns, sent to both) hang under it as a branch, each assistant message
 * carrying its model's name. The vote is one pairwise event, a = model_a's last answer, b = model_b's.
 *
 * Who voted: in the Arena the judge is the person who wrote the prompt and read both answers, so the
 * vote is the interlocutor's (and the judge is the author of the user turns). Rows without `anony`
 * come from elsewhere (MT-bench human judgments: experts judging fixed questions): third party.
 * Judges that are models (MT-bench's `gpt4_pair`) are not human feedback: the conversation is
 * imported, the vote left out and noted `model_judge_left_out`.
 *
 * The battle's own fields go to the first message's source_meta (`{arena: {…}}`), so that the
 * battles view gives the row back exactly (tstamp to the digit, the language name, the judge);
 * unknown fields (openai_moderation, toxic_chat_tag, …) under `arena.extra`.
 */

const OUTCOMES: Readonly<Record<string, PairwiseOutcome>> = { model_a: 'a', model_b: 'b', tie: 'tie', 'tie (bothbad)': 'both_bad' };
const KNOWN = new Set(['question_id', 'model_a', 'model_b', 'winner', 'judge', 'conversation_a', 'conversation_b', 'turn', 'anony', 'language', 'tstamp']);
const MODEL_JUDGE = /^(gpt|claude|llm)/i;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

type Turn = { role: 'system' | 'user' | 'assistant'; content: string };

function readBattle(record: unknown, position: number, source: string): ImportResult {
  if (!isRecord(record)) return invalidRecord(position, 'an Arena battle must be an object');
  const { model_a, model_b, winner, judge, question_id, turn, anony, language, tstamp } = record;
  if (!('conversation_a' in record) || !('conversation_b' in record)) {
    const hint = 'conversation' in record ? ' (this looks like a ShareLM row: use the sharelm format)' : 'chosen' in record ? ' (this looks like a preference pair: use the preference format)' : '';
    return invalidRecord(position, `an Arena battle needs conversation_a and conversation_b${hint}`);
  }
  if (typeof model_a !== 'string' || model_a === '' || typeof model_b !== 'string' || model_b === '') return invalidRecord(position, 'model_a and model_b must name the two models');
  const outcome = typeof winner === 'string' ? OUTCOMES[winner] : undefined;
  if (outcome === undefined) return invalidRecord(position, `winner must be model_a, model_b, tie or tie (bothbad), not ${JSON.stringify(winner)}`);
  if (judge !== undefined && judge !== null && typeof judge !== 'string') return invalidRecord(position, 'judge must be a string');
  if (tstamp !== undefined && tstamp !== null && (typeof tstamp !== 'number' || !Number.isFinite(tstamp))) return invalidRecord(position, 'tstamp must be unix seconds');
  if (anony !== undefined && anony !== null && typeof anony !== 'boolean') return invalidRecord(position, 'anony must be true or false');
  if (turn !== undefined && turn !== null && !Number.isInteger(turn)) return invalidRecord(position, 'turn must be a whole number');
  if (question_id !== undefined && question_id !== null && typeof question_id !== 'string' && typeof question_id !== 'number') return invalidRecord(position, 'question_id must be a string or a number');
  const a = readTurns(record.conversation_a, 'conversation_a');
  if (typeof a === 'string') return invalidRecord(position, a);
  const b = readTurns(record.conversation_b, 'conversation_b');
  if (typeof b === 'string') return invalidRecord(position, b);
  if (a.length === 0 || b.length === 0) return { ok: false, position, code: 'empty_record', message: 'conversation_a or conversation_b holds no messages' };
  if (a.at(-1)!.role !== 'assistant' || b.at(-1)!.role !== 'assistant') return invalidRecord(position, 'conversation_a and conversation_b must each end with an answer');
  const shared = promptLength(a);
  if (shared === 0) return invalidRecord(position, 'conversation_a must start with a user turn');
  if (shared !== promptLength(b) || a.slice(0, shared).some((t, i) => t.role !== b[i]!.role || t.content !== b[i]!.content)) {
    return invalidRecord(position, 'conversation_a and conversation_b do not start with the same prompt');
  }

  // question_id is the Arena's conversation id; MT-bench reuses its question ids across battles, so
  // the battle's content completes the id (stable: importing the file again finds the same ids).
  const qid = question_id === undefined || question_id === null ? null : String(question_id);
  const digest = contentId(JSON.stringify([model_a, model_b, winner, judge ?? null, turn ?? null, tstamp ?? null, a, b])).slice(0, 12);
  const id = `${source}:${qid !== null && SAFE_ID.test(qid) ? qid : contentId(qid ?? '')}:${digest}`;
  const interlocutor = anony !== undefined;
  const person = typeof judge === 'string' && judge !== '' ? judge : null;
  const author = interlocutor ? person : null;
  const createdAt = typeof tstamp === 'number' ? new Date(Math.round(tstamp * 1000)).toISOString() : null;
  const voteId = `${id}:vote`;
  const modelJudge = person !== null && MODEL_JUDGE.test(person);

  const extra = Object.fromEntries(Object.entries(record).filter(([k]) => !KNOWN.has(k)));
  const arena: Record<string, unknown> = { question_id, judge, turn, anony, language, tstamp, vote: modelJudge ? null : voteId };
  if (Object.keys(extra).length > 0) arena.extra = extra;
  const message = (msgId: string, parent: string | null, t: Turn, model: string | null, meta: Record<string, unknown> | null): ImportedMessage => ({
    id: msgId,
    parent_id: parent,
    role: t.role,
    content: t.content,
    author: t.role === 'user' ? author : null,
    model_name: t.role === 'assistant' ? model : null,
    language: null,
    created_at: null,
    source_meta: meta,
  });
  const messages: ImportedMessage[] = a.slice(0, shared).map((t, i) => message(`${id}:${i}`, i === 0 ? null : `${id}:${i - 1}`, t, null, i === 0 ? { arena } : null));
  const branch = (side: 'a' | 'b', turns: Turn[], model: string): string => {
    let parent = `${id}:${shared - 1}`;
    for (let i = shared; i < turns.length; i++) {
      const msgId = `${id}:${side}:${i}`;
      messages.push(message(msgId, parent, turns[i]!, model, null));
      parent = msgId;
    }
    return parent;
  };
  const answerA = branch('a', a, model_a);
  const answerB = branch('b', b, model_b);
  const notes: string[] = [];
  if (model_a === model_b) notes.push('same_model_battle');
  if (modelJudge) notes.push('model_judge_left_out');
  const feedback = modelJudge
    ? []
    : [{ id: voteId, kind: 'pairwise' as const, message_id: answerA, other_message_id: answerB, outcome, author: person, annotator_role: interlocutor ? ('interlocutor' as const) : ('third_party' as const), created_at: createdAt }];
  return checkedConversation(position, { id, title: null, language: languageTagOf(language), created_at: createdAt, author, messages, feedback }, [], notes);
}

/** How many turns come before the first answer: the prompt (a system message, then the first user turn). */
function promptLength(turns: Turn[]): number {
  const first = turns.findIndex((t) => t.role === 'assistant');
  return first === -1 ? turns.length : first;
}

/** Chatbot Arena battles: two models' answers to one prompt, and the judge's vote. */
export const arenaFormat: ImportFormat = {
  name: 'arena',
  description: 'Chatbot Arena battles (model_a, model_b, winner, conversation_a, conversation_b, judge, …)',
  // lmsys/chatbot_arena_conversations declares only "cc" in its card metadata (prompts and model
  // outputs are under different Creative Commons terms): whoever imports names the licence.
  defaultLicence: null,
  createReader: ({ source }) => ({
    read: (record, position) => [readBattle(record, position, source)],
    finish: () => [],
  }),
};
