import { describe, expect, it } from 'vitest';
import {
  exportView,
  Feedback,
  importFormat,
  pathTo,
  valenceOf,
  type ColumnSpec,
  type ExportBundle,
  type ImportedConversation,
  type ImportedFeedback,
  type ImportFormat,
  type ImportResult,
  type ValenceInput,
} from '../src/index.js';
import { languageNameOf, languageTagOf } from '../src/interchange/formats/language-names.js';
import { isoTimestamp, readRate } from '../src/interchange/formats/sharelm.js';

/*
 * The ShareLM and Chatbot Arena importers and the battles view, on hand-made rows in the exact
 * layouts the datasets publish (no sample of either is in ../shared/data):
 *
 * - ShareLM: the features of huggingface.co/datasets/shachardon/ShareLM (README `dataset_info`):
 *   conversation_id, conversation [{content, role}], model_name, user_id, timestamp, source,
 *   user_metadata {location, age, gender}, conversation_metadata {rate, language, redacted, toxic,
 *   title, custom_instruction, status}, every value a string. The plugin's values come from
 *   github.com/shachardon/share-lm (extension/popup.js: rate "thumbup" / "thumbdown";
 *   extension/background.js: conversation_metadata.message_ratings [1, -1, 0], timestamp from
 *   `new Date().toJSON()`); the rows reformatted from LMSYS-Chat-1M follow the card's own script
 *   (user_id "", timestamp "", conversation_metadata {language: "English", redacted: "False"}).
 * - Arena: the features of huggingface.co/datasets/lmsys/chatbot_arena_conversations (question_id,
 *   model_a, model_b, winner, judge, conversation_a, conversation_b, turn, anony, language, tstamp,
 *   openai_moderation, toxic_chat_tag) with values as FastChat's
 *   fastchat/serve/monitor/clean_battle_data.py writes them (winner model_a | model_b | tie |
 *   tie (bothbad), judge "arena_user_<n>", turn = len(conversation_a) // 2, language a polyglot
 *   name such as "English" or "unknown", tstamp unix seconds); and MT-bench human judgments
 *   (lmsys/mt_bench_human_judgments: question_id int64, judge "author_<n>" / "gpt4_pair", no anony).
 */

const shareLm = importFormat('sharelm')!;
const arena = importFormat('arena')!;
const battles = exportView('battles')!;

function readAll(format: ImportFormat, records: readonly unknown[], source = format.name): ImportResult[] {
  const reader = format.createReader({ source });
  return [...records.flatMap((r, i) => reader.read(r, i + 1)), ...reader.finish()];
}
function ok(result: ImportResult | undefined): ImportedConversation & { notes: string[] } {
  if (result === undefined || !result.ok) throw new Error(`expected an imported conversation, got ${JSON.stringify(result)}`);
  return { ...result.conversation, notes: result.notes };
}
function failure(result: ImportResult | undefined): { code: string; message: string } {
  if (result === undefined || result.ok) throw new Error(`expected a rejected record, got ${JSON.stringify(result)}`);
  return { code: result.code, message: result.message };
}
const one = (format: ImportFormat, record: unknown) => ok(readAll(format, [record])[0]);
const path = (c: ImportedConversation, leaf: string) => pathTo(c.messages, leaf).map((m) => ({ role: m.role, content: m.content }));

// ---------------------------------------------------------------------------------------------
// ShareLM rows

const pluginRow = {
  conversation_id: '3f0b2c1a-9d4e-4f7a-8c21-6b5e0d9a7f13',
  conversation: [
    { content: 'What is the capital of Australia?', role: 'user' },
    { content: 'Canberra.', role: 'assistant' },
    { content: 'And its population? 🦘', role: 'user' },
    { content: 'About 460,000 people.', role: 'assistant' },
  ],
  model_name: 'meta-llama/Meta-Llama-3-8B-Instruct',
  user_id: 'a81c-4f2e-4b1d-9a0e-77c2',
  timestamp: '2024-05-10T14:03:27.512Z',
  source: 'https://chromewebstore.google.com/detail/sharelm-share-your-chat-c/nldoebkdaiidhceaphmipeclmlcbljmh',
  user_metadata: { location: 'Israel', age: '30', gender: '' },
  conversation_metadata: { rate: 'thumbup' },
};
const lmsysRow = {
  conversation_id: '33f01939a744455c869cb234afca47f1',
  conversation: [
    { content: 'how can identity protection services help protect me against identity theft', role: 'user' },
    { content: 'Identity protection services can help protect you in several ways…', role: 'assistant' },
  ],
  model_name: 'vicuna-13b',
  user_id: '',
  timestamp: '',
  source: 'https://huggingface.co/datasets/lmsys/lmsys-chat-1m',
  user_metadata: {},
  conversation_metadata: { language: 'English', redacted: 'False' },
};
const ratedRows = [
  { ...pluginRow, conversation_id: 'r-down', conversation_metadata: { rate: 'thumbdown', message_ratings: [1, -1] } },
  { ...pluginRow, conversation_id: 'r-four', conversation_metadata: { rate: '4', title: 'Canberra facts' } },
  { ...pluginRow, conversation_id: 'r-72', conversation_metadata: { rate: '72' } },
  { ...pluginRow, conversation_id: 'r-meh', conversation_metadata: { rate: 'meh' } },
  { ...pluginRow, conversation_id: 'r-wildchat', timestamp: '2023-04-09 00:02:53+00:00', conversation_metadata: {} },
];

describe('the ShareLM importer', () => {
  it('imports a plugin row: its user, time, model, a thumb on the last answer by the user as interlocutor, and what it cannot model in source_meta', () => {
    const c = one(shareLm, pluginRow);
    expect(c).toMatchObject({ id: `sharelm:${pluginRow.conversation_id}`, author: pluginRow.user_id, created_at: pluginRow.timestamp, language: null, title: null, notes: [] });
    expect(c.messages.map((m) => [m.role, m.content, m.author, m.model_name])).toEqual(
      pluginRow.conversation.map((t) => [t.role, t.content, t.role === 'user' ? pluginRow.user_id : null, t.role === 'assistant' ? pluginRow.model_name : null]),
    );
    const last = c.messages.at(-1)!;
    expect(c.feedback).toEqual([{ id: `${c.id}:rate`, kind: 'thumbs', message_id: last.id, value: 'up', author: pluginRow.user_id, annotator_role: 'interlocutor', created_at: pluginRow.timestamp }]);
    expect(c.messages[0]!.source_meta).toEqual({ sharelm: { source: pluginRow.source, user_metadata: pluginRow.user_metadata, conversation_metadata: pluginRow.conversation_metadata } });
    expect(c.messages.slice(1).every((m) => m.source_meta === null)).toBe(true);
  });

  it('imports a row reformatted from LMSYS-Chat-1M: no user, no time, no rating, the language name as a tag', () => {
    const c = one(shareLm, lmsysRow);
    expect(c).toMatchObject({ author: null, created_at: null, language: 'en', feedback: [], notes: [] });
    expect(c.messages.map((m) => m.author)).toEqual([null, null]);
    expect(c.messages[0]!.source_meta).toEqual({ sharelm: { source: lmsysRow.source, user_metadata: {}, conversation_metadata: lmsysRow.conversation_metadata } });
  });

  it('maps each kind of rate: thumbs, message ratings, numeric scales, and notes what it cannot read', () => {
    const [down, four, big, meh, wild] = readAll(shareLm, ratedRows).map(ok);
    const answers = down!.messages.filter((m) => m.role === 'assistant').map((m) => m.id);
    expect(down!.feedback.map((f) => [f.kind, 'message_id' in f ? f.message_id : null, f.kind === 'thumbs' ? f.value : null])).toEqual([
      ['thumbs', answers[1], 'down'],
      ['thumbs', answers[0], 'up'],
      ['thumbs', answers[1], 'down'],
    ]);
    expect(four!.title).toBe('Canberra facts');
    expect(four!.feedback).toEqual([expect.objectContaining({ kind: 'rating', message_id: null, question_id: null, score: 4, scale_min: 1, scale_max: 5, annotator_role: 'interlocutor' })]);
    expect(big!.feedback).toEqual([expect.objectContaining({ kind: 'rating', score: 72, scale_min: 1, scale_max: 100 })]);
    expect(meh!.feedback).toEqual([]);
    expect(meh!.notes).toEqual(['rate_not_understood']);
    expect(wild!.created_at).toBe('2023-04-09T00:02:53.000Z');
  });

  it('reads rates and timestamps as documented', () => {
    expect(['thumbup', 'Thumbs_Up', '👍', '+1'].map(readRate)).toEqual(Array(4).fill({ kind: 'thumbs', value: 'up' }));
    expect(['thumbdown', '-1', 'dislike'].map(readRate)).toEqual(Array(3).fill({ kind: 'thumbs', value: 'down' }));
    expect([undefined, null, '', '0', 0].map(readRate)).toEqual(Array(5).fill({ kind: 'none' }));
    expect([3, '7', '9.5', '100', '101', '-3', 'x'].map(readRate)).toEqual([
      { kind: 'rating', score: 3, scale_max: 5 },
      { kind: 'rating', score: 7, scale_max: 10 },
      { kind: 'rating', score: 9.5, scale_max: 10 },
      { kind: 'rating', score: 100, scale_max: 100 },
      { kind: 'unknown' },
      { kind: 'unknown' },
      { kind: 'unknown' },
    ]);
    expect(isoTimestamp('2024-01-02 03:04:05')).toBe('2024-01-02T03:04:05.000Z');
    expect(isoTimestamp('2024-01-02T03:04:05+02:00')).toBe('2024-01-02T01:04:05.000Z');
    expect(isoTimestamp(1682351591.5)).toBe('2023-04-24T15:53:11.500Z');
    expect([isoTimestamp(''), isoTimestamp('yesterday'), isoTimestamp(null)]).toEqual([null, null, null]);
  });

  it('gives the same ids for the same file, and a content id for a conversation_id the pool cannot keep', () => {
    expect(readAll(shareLm, [pluginRow, lmsysRow])).toEqual(readAll(shareLm, [pluginRow, lmsysRow]));
    const odd = one(shareLm, { ...lmsysRow, conversation_id: 'conv/42 ü' });
    expect(odd.id).toMatch(/^sharelm:[0-9a-f]{28}$/);
    expect((odd.messages[0]!.source_meta as { sharelm: Record<string, unknown> }).sharelm.conversation_id).toBe('conv/42 ü');
    const noId = one(shareLm, { ...lmsysRow, conversation_id: undefined });
    expect(noId.id).toMatch(/^sharelm:[0-9a-f]{28}$/);
    expect(one(shareLm, { ...lmsysRow, conversation_id: undefined }).id).toBe(noId.id);
  });

  it('keeps unicode and very long text exactly', () => {
    const long = `${'ש'.repeat(100_000)}${'🙂'.repeat(50_000)}`;
    const c = one(shareLm, { ...lmsysRow, conversation: [{ role: 'user', content: '你好 👋🏽' }, { role: 'assistant', content: long }] });
    expect(c.messages.map((m) => m.content)).toEqual(['你好 👋🏽', long]);
  });

  it('rejects what is not a ShareLM row, saying why', () => {
    const results = readAll(shareLm, [
      'text',
      { conversations: [{ from: 'human', value: 'hi' }] },
      { conversation_a: [], conversation_b: [] },
      { ...lmsysRow, conversation: 'hi' },
      { ...lmsysRow, conversation: [{ role: 'robot', content: 'beep' }] },
      { ...lmsysRow, conversation: [] },
      { ...lmsysRow, conversation: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] },
    ]);
    expect(results.map(failure)).toEqual([
      { code: 'invalid_record', message: 'a ShareLM row must be an object' },
      { code: 'invalid_record', message: expect.stringMatching(/sharegpt format/) },
      { code: 'invalid_record', message: expect.stringMatching(/arena format/) },
      { code: 'invalid_record', message: 'conversation must be a list of turns' },
      { code: 'invalid_record', message: expect.stringMatching(/unknown role "robot"/) },
      { code: 'empty_record', message: 'the record holds no messages' },
      { code: 'invalid_tree', message: expect.stringMatching(/two user turns follow each other/) },
    ]);
    expect(results.map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('notes a thumb on a conversation without an answer, and stores no feedback', () => {
    const c = one(shareLm, { ...pluginRow, conversation: [{ role: 'user', content: 'hello?' }] });
    expect(c.feedback).toEqual([]);
    expect(c.notes).toEqual(['rate_without_answer']);
  });
});

// ---------------------------------------------------------------------------------------------
// Chatbot Arena battles

const moderation = {
  categories: { harassment: false, 'harassment/threatening': false, hate: false, 'hate/threatening': false, 'self-harm': false, 'self-harm/instructions': false, 'self-harm/intent': false, sexual: false, 'sexual/minors': false, violence: false, 'violence/graphic': false },
  category_scores: { harassment: 1.2e-5, 'harassment/threatening': 3e-7, hate: 2.1e-6, 'hate/threatening': 1e-8, 'self-harm': 4e-8, 'self-harm/instructions': 1e-8, 'self-harm/intent': 2e-8, sexual: 5.5e-6, 'sexual/minors': 1e-7, violence: 8.1e-6, 'violence/graphic': 3e-7 },
  flagged: false,
};
const toxic = { 'roberta-large': { flagged: false, probability: 0.0071 }, 't5-large': { flagged: false, score: 0.0009 } };

/** Arena battles as lmsys/chatbot_arena_conversations holds them (all 13 fields). */
const ARENA_ROWS = [
  {
    question_id: '58210e39b3fd4441a2bd4a518bb44c2d',
    model_a: 'chatglm-6b',
    model_b: 'koala-13b',
    winner: 'model_b',
    judge: 'arena_user_973',
    conversation_a: [
      { content: 'What is the difference between OpenCL and CUDA?', role: 'user' },
      { content: 'OpenCL and CUDA are two different programming models…', role: 'assistant' },
    ],
    conversation_b: [
      { content: 'What is the difference between OpenCL and CUDA?', role: 'user' },
      { content: 'OpenCL and CUDA are both programming languages for parallel computing on GPUs…', role: 'assistant' },
    ],
    turn: 1,
    anony: true,
    language: 'English',
    tstamp: 1682351591.1322,
    openai_moderation: moderation,
    toxic_chat_tag: toxic,
  },
  {
    question_id: '2564acd09e3942fd97657d05282d4389',
    model_a: 'oasst-pythia-12b',
    model_b: 'alpaca-13b',
    winner: 'tie',
    judge: 'arena_user_973',
    conversation_a: [
      { content: '¿Por qué el cielo es azul?', role: 'user' },
      { content: 'Por la dispersión de Rayleigh.', role: 'assistant' },
    ],
    conversation_b: [
      { content: '¿Por qué el cielo es azul?', role: 'user' },
      { content: 'El cielo es azul porque la luz azul se dispersa más.', role: 'assistant' },
    ],
    turn: 1,
    anony: true,
    language: 'Spanish',
    tstamp: 1682351654.6747,
    openai_moderation: moderation,
    toxic_chat_tag: toxic,
  },
  {
    question_id: '90bfd142157948aba01931726c888e7f',
    model_a: 'vicuna-13b',
    model_b: 'gpt-3.5-turbo',
    winner: 'tie (bothbad)',
    judge: 'arena_user_1022',
    conversation_a: [
      { content: '写一首关于秋天的诗', role: 'user' },
      { content: '秋风起，落叶飞……', role: 'assistant' },
      { content: '再短一点', role: 'user' },
      { content: '秋叶落。', role: 'assistant' },
    ],
    conversation_b: [
      { content: '写一首关于秋天的诗', role: 'user' },
      { content: '金风送爽，稻谷飘香……', role: 'assistant' },
      { content: '再短一点', role: 'user' },
      { content: '秋意浓。', role: 'assistant' },
    ],
    turn: 2,
    anony: false,
    language: 'Chinese',
    tstamp: 1682352003.0,
    openai_moderation: moderation,
    toxic_chat_tag: toxic,
  },
  {
    question_id: 'c0fc42c6f5f14f2aa5a89f71f8553730',
    model_a: 'claude-v1',
    model_b: 'vicuna-13b',
    winner: 'model_a',
    judge: 'arena_user_1100',
    conversation_a: [
      { content: 'asdf', role: 'user' },
      { content: 'It looks like you typed a random string. How can I help?', role: 'assistant' },
    ],
    conversation_b: [
      { content: 'asdf', role: 'user' },
      { content: 'Hello! Is there anything I can help you with?', role: 'assistant' },
    ],
    turn: 1,
    anony: true,
    language: 'unknown',
    tstamp: 1682352210.87,
    openai_moderation: moderation,
    toxic_chat_tag: toxic,
  },
];

/** MT-bench human judgments (lmsys/mt_bench_human_judgments): experts and GPT-4 judging fixed questions. */
const MT_BENCH_ROWS = [
  {
    question_id: 81,
    model_a: 'alpaca-13b',
    model_b: 'gpt-3.5-turbo',
    winner: 'model_b',
    judge: 'author_2',
    conversation_a: [
      { content: 'Compose an engaging travel blog post about a recent trip to Hawaii.', role: 'user' },
      { content: 'I recently had the pleasure of visiting Hawaii…', role: 'assistant' },
    ],
    conversation_b: [
      { content: 'Compose an engaging travel blog post about a recent trip to Hawaii.', role: 'user' },
      { content: 'Aloha! I recently had the pleasure of embarking on a trip…', role: 'assistant' },
    ],
    turn: 1,
  },
  {
    question_id: 81,
    model_a: 'alpaca-13b',
    model_b: 'gpt-3.5-turbo',
    winner: 'model_b',
    judge: 'gpt4_pair',
    conversation_a: [
      { content: 'Compose an engaging travel blog post about a recent trip to Hawaii.', role: 'user' },
      { content: 'I recently had the pleasure of visiting Hawaii…', role: 'assistant' },
    ],
    conversation_b: [
      { content: 'Compose an engaging travel blog post about a recent trip to Hawaii.', role: 'user' },
      { content: 'Aloha! I recently had the pleasure of embarking on a trip…', role: 'assistant' },
    ],
    turn: 1,
  },
];

type Pairwise = Extract<ImportedFeedback, { kind: 'pairwise' }>;
const vote = (c: ImportedConversation): Pairwise => {
  expect(c.feedback).toHaveLength(1);
  return c.feedback[0] as Pairwise;
};

describe('the Arena importer', () => {
  it('makes one conversation per battle: the shared prompt, the two models as sibling answers, one pairwise vote by the judge as interlocutor', () => {
    const row = ARENA_ROWS[0]!;
    const c = one(arena, row);
    expect(c.id).toMatch(new RegExp(`^arena:${row.question_id}:[0-9a-f]{12}$`));
    expect(c).toMatchObject({ author: row.judge, language: 'en', created_at: '2023-04-24T15:53:11.132Z', notes: [] });
    expect(c.messages).toHaveLength(3);
    const [prompt, a, b] = c.messages;
    expect(prompt).toMatchObject({ parent_id: null, role: 'user', author: row.judge, model_name: null });
    expect([a, b].map((m) => [m!.parent_id, m!.role, m!.model_name, m!.content])).toEqual([
      [prompt!.id, 'assistant', row.model_a, row.conversation_a[1]!.content],
      [prompt!.id, 'assistant', row.model_b, row.conversation_b[1]!.content],
    ]);
    expect(vote(c)).toEqual({ id: `${c.id}:vote`, kind: 'pairwise', message_id: a!.id, other_message_id: b!.id, outcome: 'b', author: row.judge, annotator_role: 'interlocutor', created_at: '2023-04-24T15:53:11.132Z' });
    expect(prompt!.source_meta).toEqual({
      arena: { question_id: row.question_id, judge: row.judge, turn: 1, anony: true, language: 'English', tstamp: row.tstamp, vote: `${c.id}:vote`, extra: { openai_moderation: moderation, toxic_chat_tag: toxic } },
    });
  });

  it('maps every winner, and hangs later turns of a multi-turn battle under each branch', () => {
    const cs = readAll(arena, ARENA_ROWS).map(ok);
    expect(cs.map((c) => vote(c).outcome)).toEqual(['b', 'tie', 'both_bad', 'a']);
    expect(cs.map((c) => c.language)).toEqual(['en', 'es', 'zh', null]);
    const multi = cs[2]!;
    const row = ARENA_ROWS[2]!;
    expect(multi.messages).toHaveLength(7);
    expect(multi.messages.filter((m) => m.parent_id === null)).toHaveLength(1);
    const v = vote(multi);
    expect(path(multi, v.message_id)).toEqual(row.conversation_a);
    expect(path(multi, v.other_message_id)).toEqual(row.conversation_b);
    expect(pathTo(multi.messages, v.message_id).filter((m) => m.role === 'assistant').map((m) => m.model_name)).toEqual([row.model_a, row.model_a]);
    expect(pathTo(multi.messages, v.other_message_id).filter((m) => m.role === 'assistant').map((m) => m.model_name)).toEqual([row.model_b, row.model_b]);
    expect(new Set(cs.map((c) => c.id)).size).toBe(cs.length);
  });

  it('takes MT-bench judges as third parties, keeps question ids that repeat apart, and leaves out the votes of model judges', () => {
    const [expert, model] = readAll(arena, MT_BENCH_ROWS).map(ok);
    expect(expert!.id).not.toBe(model!.id);
    expect(expert!.id).toMatch(/^arena:81:[0-9a-f]{12}$/);
    expect(expert).toMatchObject({ author: null, created_at: null, language: null, notes: [] });
    expect(vote(expert!)).toMatchObject({ author: 'author_2', annotator_role: 'third_party', outcome: 'b', created_at: null });
    expect(model!.feedback).toEqual([]);
    expect(model!.notes).toEqual(['model_judge_left_out']);
  });

  it('gives the same ids for the same rows', () => {
    expect(readAll(arena, ARENA_ROWS)).toEqual(readAll(arena, ARENA_ROWS));
  });

  it('rejects broken battles, saying why', () => {
    const base = ARENA_ROWS[0]!;
    const results = readAll(arena, [
      [1, 2],
      { conversation: [] },
      { ...base, winner: 'model_c' },
      { ...base, model_b: '' },
      { ...base, tstamp: '2023-04-24' },
      { ...base, conversation_b: [{ role: 'user', content: 'Something else' }, { role: 'assistant', content: 'x' }] },
      { ...base, conversation_a: [{ role: 'user', content: 'What is the difference between OpenCL and CUDA?' }] },
      { ...base, conversation_a: [] },
      { ...base, conversation_a: [{ role: 'assistant', content: 'hi' }] },
      { ...base, conversation_b: [{ role: 'user', content: 'x' }, { role: 'user', content: 'y' }, { role: 'assistant', content: 'z' }] },
    ]);
    expect(results.map(failure)).toEqual([
      { code: 'invalid_record', message: 'an Arena battle must be an object' },
      { code: 'invalid_record', message: expect.stringMatching(/sharelm format/) },
      { code: 'invalid_record', message: expect.stringMatching(/^winner must be/) },
      { code: 'invalid_record', message: 'model_a and model_b must name the two models' },
      { code: 'invalid_record', message: 'tstamp must be unix seconds' },
      { code: 'invalid_record', message: 'conversation_a and conversation_b do not start with the same prompt' },
      { code: 'invalid_record', message: 'conversation_a and conversation_b must each end with an answer' },
      { code: 'empty_record', message: expect.any(String) },
      { code: 'invalid_record', message: 'conversation_a must start with a user turn' },
      { code: 'invalid_record', message: 'conversation_a and conversation_b do not start with the same prompt' },
    ]);
  });

  it('imports a battle of a model against itself, noted', () => {
    const c = one(arena, { ...ARENA_ROWS[0]!, model_b: 'chatglm-6b' });
    expect(c.notes).toEqual(['same_model_battle']);
    expect(c.feedback).toHaveLength(1);
  });
});

describe('language names', () => {
  it('maps FastChat names to BCP-47 tags and back; unknown is null', () => {
    expect(['English', 'chinese', 'Chinese (Traditional)', 'Portuguese', 'pt-BR', 'unknown', 'Klingon', 'Ido', 7].map(languageTagOf)).toEqual(['en', 'zh', 'zh-Hant', 'pt', 'pt-BR', null, null, null, null]);
    expect(['en', 'pt-BR', 'zh-Hant', 'xx', null].map(languageNameOf)).toEqual(['English', 'Portuguese', 'Chinese (Traditional)', null, null]);
  });
});

// ---------------------------------------------------------------------------------------------
// The battles view

const AT = '2026-11-28T10:00:00.000Z';

/** What the import service and the export scan make of an imported conversation, without a database. */
function bundleOf(c: ImportedConversation, contributor: (author: string | null) => string = (a) => `ext:${a ?? 'people'}`): ExportBundle {
  const createdAt = c.created_at ?? AT;
  return {
    conversation: { id: c.id, community_id: null, contributor_id: contributor(c.author), title: c.title, language: c.language, source: 'arena', licence: 'CC-BY-NC-4.0', status: 'active', created_at: createdAt, updated_at: createdAt },
    messages: c.messages.map((m) => ({
      id: m.id,
      conversation_id: c.id,
      parent_id: m.parent_id,
      role: m.role,
      content: m.content,
      model_id: null,
      model_version_id: null,
      model_name: m.model_name,
      contributor_id: m.role === 'user' ? contributor(m.author) : null,
      language: m.language ?? c.language,
      status: 'active',
      created_at: m.created_at ?? createdAt,
      source_meta: m.source_meta === null ? null : (JSON.parse(JSON.stringify(m.source_meta)) as Record<string, unknown>),
    })),
    feedback: c.feedback.map((f) => {
      const { author, ...fields } = f;
      const valence = f.kind === 'ranking' ? null : valenceOf(f as unknown as ValenceInput);
      return Feedback.parse({ ...fields, contributor_id: contributor(author), conversation_id: c.id, provenance: { type: 'human' }, methodology_version: 'import:arena', valence, licence: 'CC-BY-NC-4.0', status: 'active', model_id: null, community_id: null, language: c.language, created_at: f.created_at ?? createdAt, updated_at: f.created_at ?? createdAt });
    }),
  };
}

const COLUMN_NAMES = ['question_id', 'model_a', 'model_b', 'winner', 'judge', 'conversation_a', 'conversation_b', 'turn', 'anony', 'language', 'tstamp'];

function checkTypes(row: Record<string, unknown>, columns: ColumnSpec[]): void {
  expect(Object.keys(row)).toEqual(columns.map((c) => c.name));
  for (const c of columns) {
    const v = row[c.name];
    if (v === null) {
      expect(c.nullable, c.name).toBe(true);
      continue;
    }
    const ok = {
      string: typeof v === 'string',
      int: Number.isInteger(v),
      double: typeof v === 'number',
      boolean: typeof v === 'boolean',
      messages: Array.isArray(v) && v.every((t) => typeof t.role === 'string' && typeof t.content === 'string' && Object.keys(t).length === 2),
    }[c.type as 'string'];
    expect(ok, `${c.name} is ${c.type}`).toBe(true);
  }
}

describe('the battles view', () => {
  const columns = battles.columns({ form: 'conversational' });

  it('has the FastChat / Arena columns with their types', () => {
    expect(columns.map((c) => [c.name, c.type])).toEqual([
      ['question_id', 'string'],
      ['model_a', 'string'],
      ['model_b', 'string'],
      ['winner', 'string'],
      ['judge', 'string'],
      ['conversation_a', 'messages'],
      ['conversation_b', 'messages'],
      ['turn', 'int'],
      ['anony', 'boolean'],
      ['language', 'string'],
      ['tstamp', 'double'],
    ]);
    expect(columns.map((c) => c.name)).toEqual(COLUMN_NAMES);
  });

  it('gives back every imported Arena row, field for field', () => {
    const rows = readAll(arena, ARENA_ROWS)
      .map(ok)
      .flatMap((c) => battles.rows(bundleOf(c), { form: 'conversational' }));
    for (const row of rows) checkTypes(row, columns);
    expect(rows).toStrictEqual(ARENA_ROWS.map((r) => Object.fromEntries(COLUMN_NAMES.map((k) => [k, r[k as keyof typeof r]]))));
  });

  it('writes pool battles from what the pool knows: the conversation id, the contributor, the turns, the language name, the time; anony unknown', () => {
    const c = one(arena, { ...MT_BENCH_ROWS[0]!, question_id: undefined });
    const bundle = bundleOf({ ...c, language: 'pt-BR' });
    // A pool vote on the same answers, given later by someone else, swapped.
    const [a, b] = [bundle.feedback[0]!.message_id as string, (bundle.feedback[0] as { other_message_id: string }).other_message_id];
    bundle.feedback.push(Feedback.parse({ ...bundle.feedback[0]!, id: 'native', message_id: b, other_message_id: a, outcome: 'a', contributor_id: 'ada', created_at: AT, updated_at: AT }));
    const rows = battles.rows(bundle, { form: 'conversational' });
    for (const row of rows) checkTypes(row, columns);
    expect(rows[0]).toMatchObject({ question_id: c.id, judge: 'author_2', turn: 1, anony: null, language: 'Portuguese', tstamp: Date.parse(AT) / 1000, winner: 'model_b' });
    expect(rows[1]).toStrictEqual({
      question_id: c.id,
      model_a: 'gpt-3.5-turbo',
      model_b: 'alpaca-13b',
      winner: 'model_a',
      judge: 'ada',
      conversation_a: MT_BENCH_ROWS[0]!.conversation_b,
      conversation_b: MT_BENCH_ROWS[0]!.conversation_a,
      turn: 1,
      anony: null,
      language: 'Portuguese',
      tstamp: Date.parse(AT) / 1000,
    });
  });

  it('leaves out votes between answers of one model, of unknown models, or that are not answers; language falls back to the tag, then "unknown"', () => {
    const same = bundleOf(one(arena, { ...ARENA_ROWS[0]!, model_b: 'chatglm-6b' }));
    expect(battles.rows(same, { form: 'conversational' })).toEqual([]);
    const unnamed = bundleOf(one(arena, ARENA_ROWS[0]!));
    unnamed.messages[2]!.model_name = null;
    expect(battles.rows(unnamed, { form: 'conversational' })).toEqual([]);
    const noMeta = bundleOf(one(arena, ARENA_ROWS[0]!));
    noMeta.messages[0]!.source_meta = null;
    expect(battles.rows({ ...noMeta, conversation: { ...noMeta.conversation, language: 'tlh' } }, { form: 'conversational' })[0]).toMatchObject({ language: 'tlh', anony: null, judge: 'ext:arena_user_973' });
    expect(battles.rows({ ...noMeta, conversation: { ...noMeta.conversation, language: null } }, { form: 'conversational' })[0]).toMatchObject({ language: 'unknown' });
    const thumbsOnly = bundleOf(one(shareLm, pluginRow));
    expect(battles.rows(thumbsOnly, { form: 'conversational' })).toEqual([]);
  });
});
