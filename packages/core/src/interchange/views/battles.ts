import type { PairwiseOutcome } from '../../feedback.js';
import type { ColumnSpec, ExportMessage, ExportView } from '../export-view.js';
import { languageNameOf } from '../formats/language-names.js';
import { MessageTree } from '../tree-paths.js';

const COLUMNS: ColumnSpec[] = [
  { name: 'question_id', type: 'string', nullable: false, description: "the battle's conversation (the Arena's own id for an imported battle)" },
  { name: 'model_a', type: 'string', nullable: false, description: 'the model that wrote answer a (registered id or name from the source)' },
  { name: 'model_b', type: 'string', nullable: false, description: 'the model that wrote answer b' },
  { name: 'winner', type: 'string', nullable: false, description: 'model_a, model_b, tie or tie (bothbad)' },
  { name: 'judge', type: 'string', nullable: false, description: "who voted: the source's judge for an imported battle, else the contributor (replaced by a per-release pseudonym in releases)" },
  { name: 'conversation_a', type: 'messages', nullable: false, description: 'the turns from the first to answer a, OpenAI style `{role, content}`' },
  { name: 'conversation_b', type: 'messages', nullable: false, description: 'the turns from the first to answer b' },
  { name: 'turn', type: 'int', nullable: false, description: 'how many user turns conversation_a holds (the source’s value for an imported battle)' },
  { name: 'anony', type: 'boolean', nullable: true, description: 'whether the judge voted without knowing the models; null when the pool does not know' },
  { name: 'language', type: 'string', nullable: false, description: 'the language as FastChat names it ("English"; a BCP-47 tag the table has no name for; "unknown")' },
  { name: 'tstamp', type: 'double', nullable: false, description: 'when the vote was given, unix seconds' },
];

const WINNERS: Readonly<Record<PairwiseOutcome, string>> = { a: 'model_a', b: 'model_b', tie: 'tie', both_bad: 'tie (bothbad)' };

/** The fields an imported Arena battle kept (formats/arena.ts), when this vote is that battle's. */
function arenaMeta(root: ExportMessage | undefined, feedbackId: string): Record<string, unknown> {
  const arena = root?.source_meta?.arena;
  if (typeof arena !== 'object' || arena === null) return {};
  const meta = arena as Record<string, unknown>;
  return meta.vote === feedbackId ? meta : {};
}

const given = <T>(value: unknown, check: (v: unknown) => v is T): T | undefined => (check(value) ? value : undefined);
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

/**
 * One row per pairwise vote between the answers of two different models, in the columns of
 * FastChat's clean_battle_data.py and lmsys/chatbot_arena_conversations (what the Arena's Elo and
 * Bradley-Terry notebooks read). A battle imported from the Arena gives back its row exactly.
 */
export const battlesView: ExportView = {
  name: 'battles',
  description: 'model-vs-model battles in FastChat / Chatbot Arena columns',
  columns: () => COLUMNS,
  rows: ({ conversation, messages, feedback }) => {
    const tree = new MessageTree(messages);
    const rows: Record<string, unknown>[] = [];
    for (const f of feedback) {
      if (f.kind !== 'pairwise') continue;
      const a = tree.byId.get(f.message_id);
      const b = tree.byId.get(f.other_message_id);
      if (a?.role !== 'assistant' || b?.role !== 'assistant') continue;
      const modelA = a.model_id ?? a.model_name;
      const modelB = b.model_id ?? b.model_name;
      if (modelA === null || modelB === null || modelA === modelB) continue;
      const pathA = tree.pathTo(a.id);
      const pathB = tree.pathTo(b.id);
      const meta = arenaMeta(pathA[0], f.id);
      const questionId = given(meta.question_id, isString) ?? given(meta.question_id, isNumber);
      rows.push({
        question_id: questionId === undefined ? conversation.id : String(questionId),
        model_a: modelA,
        model_b: modelB,
        winner: WINNERS[f.outcome],
        judge: given(meta.judge, isString) ?? f.contributor_id,
        conversation_a: pathA.map((m) => ({ role: m.role, content: m.content })),
        conversation_b: pathB.map((m) => ({ role: m.role, content: m.content })),
        turn: given(meta.turn, isNumber) ?? pathA.filter((m) => m.role === 'user').length,
        anony: given(meta.anony, isBoolean) ?? null,
        language: given(meta.language, isString) ?? languageNameOf(conversation.language) ?? conversation.language ?? 'unknown',
        tstamp: given(meta.tstamp, isNumber) ?? Date.parse(f.created_at) / 1000,
      });
    }
    return rows;
  },
};
