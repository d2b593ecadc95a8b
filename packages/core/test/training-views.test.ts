import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  exportView,
  Feedback,
  valenceOf,
  type ColumnSpec,
  type Conversation,
  type ExportBundle,
  type ExportMessage,
  type ExportView,
  type ValenceInput,
  type ViewOptions,
} from '../src/index.js';

/*
 * The training views (sft, dpo, kto, reward) on hand-built conversations: one test per rule of
 * docs/training-views.md. Every row any test makes is checked against the view's columns.
 */

const AT = '2026-11-28T10:00:00.000Z';
const FORMS: ViewOptions['form'][] = ['conversational', 'standard'];

const conversation: Conversation = {
  id: 'c1',
  community_id: null,
  contributor_id: 'ada',
  title: null,
  language: 'en',
  source: 'openfeedback',
  licence: null,
  status: 'active',
  created_at: AT,
  updated_at: AT,
};

function message(id: string, parent_id: string | null, role: ExportMessage['role'], content: string, model_name: string | null = null): ExportMessage {
  return { id, conversation_id: 'c1', parent_id, role, content, model_id: null, model_version_id: null, model_name, contributor_id: null, language: null, status: 'active', created_at: AT, source_meta: null };
}
const user = (id: string, parent: string | null, content: string) => message(id, parent, 'user', content);
const bot = (id: string, parent: string, content: string, model = 'm-1') => message(id, parent, 'assistant', content, model);

let events = 0;
/** A stored event, checked by the domain schema (so the fixtures are ones the pool could hold). */
function event(fields: Record<string, unknown> & { kind: Feedback['kind'] }): Feedback {
  const id = (fields.id as string | undefined) ?? `f${++events}`;
  const scaled = fields.kind === 'rating' ? { question_id: null, message_id: null, scale_min: 1, scale_max: 5, ...fields } : fields;
  const extra = { critique: { message_id: null, span: null, sentiment: null }, flag: { message_id: null, note: null } } as Record<string, object>;
  const full = { ...(extra[fields.kind] ?? {}), ...scaled };
  return Feedback.parse({
    id,
    contributor_id: 'bob',
    conversation_id: 'c1',
    annotator_role: 'third_party',
    provenance: { type: 'human' },
    methodology_version: 'of-1',
    valence: valenceOf(full as unknown as ValenceInput),
    licence: 'CC0-1.0',
    status: 'active',
    model_id: null,
    community_id: null,
    language: 'en',
    created_at: AT,
    updated_at: AT,
    ...full,
  });
}
const thumbs = (message_id: string, value: 'up' | 'down', count?: number) => event({ kind: 'thumbs', message_id, value, ...(count !== undefined && { count }) });
const rating = (message_id: string | null, score: number, more: Record<string, unknown> = {}) => event({ kind: 'rating', message_id, score, ...more });
const pairwise = (message_id: string, other_message_id: string, outcome: 'a' | 'b' | 'tie' | 'both_bad') => event({ kind: 'pairwise', message_id, other_message_id, outcome });
const correction = (message_id: string, text: string) => event({ kind: 'correction', message_id, text });
const ranking = (...ids: string[]) => event({ kind: 'ranking', ranking: ids, message_id: null });

/** `q → a`, plus siblings of `a` given as [id, text]. */
function oneQuestion(answers: [string, string][], feedback: Feedback[], question = 'Which river runs through Lisbon?'): ExportBundle {
  return { conversation, messages: [user('q', null, question), ...answers.map(([id, text]) => bot(id, 'q', text))], feedback };
}

/** system → q1 → a1 → q2 → {a2, b2}: a thread of two exchanges that branches at its last answer. */
function twoExchanges(feedback: Feedback[]): ExportBundle {
  return {
    conversation,
    messages: [
      message('s', null, 'system', 'Be brief.'),
      user('q1', 's', 'Which river runs through Lisbon?'),
      bot('a1', 'q1', 'The Tagus.'),
      user('q2', 'a1', 'Where does it rise?'),
      bot('a2', 'q2', 'In the Sierra de Albarracín, Spain.'),
      bot('b2', 'q2', 'In the Alps.', 'm-2'),
    ],
    feedback,
  };
}

/** A value's fit to a column type, as the JSONL and Parquet writers and TRL read it. */
function fits(c: ColumnSpec, v: unknown): boolean {
  if (v === null) return c.nullable;
  switch (c.type) {
    case 'string':
      return typeof v === 'string';
    case 'int':
      return Number.isInteger(v);
    case 'double':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'timestamp':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v));
    case 'json':
      return true;
    case 'strings':
      return Array.isArray(v) && v.every((s) => typeof s === 'string');
    case 'messages':
      return Array.isArray(v) && v.every((t) => typeof t === 'object' && t !== null && Object.keys(t).join() === 'role,content' && typeof t.role === 'string' && typeof t.content === 'string');
  }
}

/** The rows of a view, each checked: exactly the columns' keys, in their order, each value of its column's type. */
function rowsOf(name: string, bundle: ExportBundle, form: ViewOptions['form'] = 'conversational'): Record<string, unknown>[] {
  const view = exportView(name)!;
  const columns = view.columns({ form });
  const rows = view.rows(bundle, { form });
  for (const row of rows) {
    expect(Object.keys(row)).toEqual(columns.map((c) => c.name));
    for (const c of columns) expect(fits(c, row[c.name]), `${name}/${form} ${c.name} = ${JSON.stringify(row[c.name])}`).toBe(true);
  }
  return rows;
}

const pick = (rows: Record<string, unknown>[], ...keys: string[]) => rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));
const said = (content: string) => [{ role: 'assistant', content }];

describe('the training views’ columns', () => {
  const types = (view: ExportView, form: ViewOptions['form']) => Object.fromEntries(view.columns({ form }).map((c) => [c.name, c.type]));

  it('are what TRL reads, in both forms', () => {
    const [sft, dpo, kto, reward] = ['sft', 'dpo', 'kto', 'reward'].map((n) => exportView(n)!);
    expect(types(sft!, 'conversational')).toMatchObject({ messages: 'messages' });
    expect(types(sft!, 'conversational')).not.toHaveProperty('prompt');
    expect(types(sft!, 'standard')).toMatchObject({ prompt: 'string', completion: 'string' });
    expect(types(sft!, 'standard')).not.toHaveProperty('messages');
    expect(types(dpo!, 'conversational')).toMatchObject({ prompt: 'messages', chosen: 'messages', rejected: 'messages' });
    expect(types(dpo!, 'standard')).toMatchObject({ prompt: 'string', chosen: 'string', rejected: 'string' });
    expect(types(kto!, 'conversational')).toMatchObject({ prompt: 'messages', completion: 'messages', label: 'boolean' });
    expect(types(kto!, 'standard')).toMatchObject({ prompt: 'string', completion: 'string', label: 'boolean' });
    expect(types(reward!, 'conversational')).toMatchObject({ chosen: 'messages', rejected: 'messages', margin: 'double' });
    expect(types(reward!, 'standard')).toMatchObject({ chosen: 'string', rejected: 'string', margin: 'double' });
    // Reward pairs carry their prompt inside chosen and rejected (implicit prompt): every TRL version reads that.
    expect(types(reward!, 'conversational')).not.toHaveProperty('prompt');
  });

  it('put the TRL columns first, and TRL’s columns are never null', () => {
    const trl: Record<string, string[]> = { sft: ['messages'], dpo: ['prompt', 'chosen', 'rejected'], kto: ['prompt', 'completion', 'label'], reward: ['chosen', 'rejected', 'margin'] };
    for (const [name, cols] of Object.entries(trl)) {
      const columns = exportView(name)!.columns({ form: 'conversational' });
      expect(columns.slice(0, cols.length).map((c) => c.name)).toEqual(cols);
      expect(columns.slice(0, cols.length).every((c) => !c.nullable)).toBe(true);
    }
  });
});

describe('docs/training-views.md', () => {
  const doc = readFileSync(new URL('../../../docs/training-views.md', import.meta.url), 'utf8');
  const ARROW: Record<string, string> = { string: 'string', double: 'float64', boolean: 'bool', int: 'int32', strings: 'list<string>', messages: 'list<struct<role: string, content: string>>' };

  it.each(['sft', 'dpo', 'kto', 'reward'])('lists the columns of %s with their types in both forms', (name) => {
    const section = doc.split(`\n### \`${name}\`\n`)[1]!.split('\n### ')[0]!;
    const table = [...section.matchAll(/^\| `(\w+)` \| (.+?) \| (.+?) \| (yes|no) \|/gm)].map((m) => m.slice(1, 5).map((cell) => cell.replaceAll('`', '')));
    const documented = (form: number) => table.filter((row) => row[form] !== '—').map((row) => [row[0], row[form], row[3]]);
    const actual = (form: ViewOptions['form']) => exportView(name)!.columns({ form }).map((c) => [c.name, ARROW[c.type], c.nullable ? 'yes' : 'no']);
    expect(documented(1)).toEqual(actual('conversational'));
    expect(documented(2)).toEqual(actual('standard'));
  });
});

describe('sft', () => {
  it('keeps a thumbed-up answer as the thread from the root through it', () => {
    const rows = rowsOf('sft', twoExchanges([thumbs('a2', 'up')]));
    expect(rows).toEqual([
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Which river runs through Lisbon?' },
          { role: 'assistant', content: 'The Tagus.' },
          { role: 'user', content: 'Where does it rise?' },
          { role: 'assistant', content: 'In the Sierra de Albarracín, Spain.' },
        ],
        source: 'judgements',
        conversation_id: 'c1',
        message_id: 'a2',
        model: 'm-1',
        valence: 1,
        kinds: ['thumbs'],
        feedback_ids: [expect.any(String)],
        language: 'en',
      },
    ]);
  });

  it('writes the standard form as an HH-RLHF prompt and a completion after a space', () => {
    const [row] = rowsOf('sft', twoExchanges([thumbs('a2', 'up')]), 'standard');
    expect(row).toMatchObject({
      prompt: '\n\nSystem: Be brief.\n\nHuman: Which river runs through Lisbon?\n\nAssistant: The Tagus.\n\nHuman: Where does it rise?\n\nAssistant:',
      completion: ' In the Sierra de Albarracín, Spain.',
    });
  });

  it('keeps overall ratings above the middle of their scale, and only those', () => {
    const bundle = oneQuestion(
      [
        ['a4', 'four'],
        ['a3', 'three'],
        ['a2', 'two'],
        ['a10', 'eight of ten'],
      ],
      [rating('a4', 4), rating('a3', 3), rating('a2', 2), rating('a10', 8, { scale_min: 0, scale_max: 10 })],
    );
    expect(pick(rowsOf('sft', bundle), 'message_id', 'valence')).toEqual([
      { message_id: 'a4', valence: 0.5 },
      { message_id: 'a10', valence: expect.closeTo(0.6, 9) },
    ]);
  });

  it('does not read rubric-question ratings or conversation-level ratings as a verdict on an answer', () => {
    const bundle = oneQuestion([['a', 'The Tagus.']], [rating('a', 5, { question_id: 'humour' }), rating(null, 5)]);
    expect(rowsOf('sft', bundle)).toEqual([]);
  });

  it('keeps natural UR5 feedback and nothing from UR1–UR4', () => {
    const messages = [user('q', null, 'Capital of Portugal?'), bot('a', 'q', 'Lisbon.'), user('r', 'a', 'Thanks, perfect!'), bot('a2', 'r', 'Glad to help.'), user('r2', 'a2', 'No, I meant something else.')];
    const natural = (message_id: string, source_message_id: string, category: string) => event({ kind: 'natural', message_id, source_message_id, category, span: { start: 0, end: 6 } });
    const rows = rowsOf('sft', { conversation, messages, feedback: [natural('a', 'r', 'UR5'), natural('a2', 'r2', 'UR1')] });
    expect(pick(rows, 'message_id', 'kinds')).toEqual([{ message_id: 'a', kinds: ['natural'] }]);
  });

  it('needs an absolute judgement: pairwise and ranking winners are not kept', () => {
    const bundle = oneQuestion(
      [
        ['a', 'The Tagus.'],
        ['b', 'The Douro.'],
      ],
      [pairwise('a', 'b', 'a'), ranking('a', 'b')],
    );
    expect(rowsOf('sft', bundle)).toEqual([]);
  });

  it('weighs mixed judgements by their mean valence: kept when it is above 0', () => {
    const bundle = oneQuestion(
      [
        ['twoToOne', 'x'],
        ['even', 'y'],
        ['upButFlagged', 'z'],
        ['countedDown', 'w'],
        ['upAndFour', 'v'],
      ],
      [
        ...[thumbs('twoToOne', 'up'), thumbs('twoToOne', 'up'), thumbs('twoToOne', 'down')],
        ...[thumbs('even', 'up'), thumbs('even', 'down')],
        ...[thumbs('upButFlagged', 'up'), event({ kind: 'flag', message_id: 'upButFlagged', reason: 'unsafe' })],
        // An imported aggregate stands for `count` people: 1 up against 3 down is negative.
        ...[thumbs('countedDown', 'up'), thumbs('countedDown', 'down', 3)],
        ...[thumbs('upAndFour', 'up'), rating('upAndFour', 4)],
      ],
    );
    expect(pick(rowsOf('sft', bundle), 'message_id', 'valence', 'kinds')).toEqual([
      { message_id: 'twoToOne', valence: expect.closeTo(1 / 3, 12), kinds: ['thumbs'] },
      { message_id: 'upAndFour', valence: 0.75, kinds: ['thumbs', 'rating'] },
    ]);
  });

  it('puts a correction’s text in place of the answer it corrects', () => {
    const fix = correction('a', 'The Tagus (Tejo).');
    const rows = rowsOf('sft', oneQuestion([['a', 'The Douro.']], [fix]));
    expect(rows).toEqual([
      {
        messages: [
          { role: 'user', content: 'Which river runs through Lisbon?' },
          { role: 'assistant', content: 'The Tagus (Tejo).' },
        ],
        source: 'correction',
        conversation_id: 'c1',
        message_id: 'a',
        model: null,
        valence: null,
        kinds: ['correction'],
        feedback_ids: [fix.id],
        language: 'en',
      },
    ]);
    expect(rowsOf('sft', oneQuestion([['a', 'The Douro.']], [fix]), 'standard')[0]).toMatchObject({ prompt: '\n\nHuman: Which river runs through Lisbon?\n\nAssistant:', completion: ' The Tagus (Tejo).' });
  });

  it('keeps each correction, and the answer too when its other judgements outweigh the correction', () => {
    const bundle = oneQuestion([['a', 'The Tagus']], [thumbs('a', 'up'), thumbs('a', 'up'), thumbs('a', 'up'), correction('a', 'The Tagus.'), correction('a', 'The river Tagus.')]);
    expect(pick(rowsOf('sft', bundle), 'source', 'messages')).toEqual([
      { source: 'judgements', messages: [expect.anything(), { role: 'assistant', content: 'The Tagus' }] },
      { source: 'correction', messages: [expect.anything(), { role: 'assistant', content: 'The Tagus.' }] },
      { source: 'correction', messages: [expect.anything(), { role: 'assistant', content: 'The river Tagus.' }] },
    ]);
  });

  it('ignores a correction that changes nothing', () => {
    expect(rowsOf('sft', oneQuestion([['a', 'The Tagus.']], [correction('a', 'The Tagus.'), thumbs('a', 'up')]))).toMatchObject([{ source: 'judgements', valence: 1 }]);
  });

  it('leaves out an answer whose thread is broken (an ancestor is no longer in the pool)', () => {
    const messages = [user('q2', 'gone', 'And where does it rise?'), bot('a2', 'q2', 'In Spain.')];
    expect(rowsOf('sft', { conversation, messages, feedback: [thumbs('a2', 'up')] })).toEqual([]);
  });
});

describe('dpo', () => {
  const siblings: [string, string][] = [
    ['a', 'The Tagus.'],
    ['b', 'The Douro.'],
  ];

  it('makes a pair of a pairwise vote for a, and for b', () => {
    const va = pairwise('a', 'b', 'a');
    const vb = pairwise('a', 'b', 'b');
    const rows = rowsOf('dpo', { ...oneQuestion(siblings, [va, vb]), messages: [user('q', null, 'Which river runs through Lisbon?'), bot('a', 'q', 'The Tagus.', 'm-1'), bot('b', 'q', 'The Douro.', 'm-2')] });
    expect(rows).toEqual([
      {
        prompt: [{ role: 'user', content: 'Which river runs through Lisbon?' }],
        chosen: said('The Tagus.'),
        rejected: said('The Douro.'),
        source: 'pairwise',
        conversation_id: 'c1',
        prompt_id: 'q',
        chosen_id: 'a',
        rejected_id: 'b',
        chosen_model: 'm-1',
        rejected_model: 'm-2',
        feedback_ids: [va.id],
        language: 'en',
      },
      expect.objectContaining({ chosen: said('The Douro.'), rejected: said('The Tagus.'), chosen_id: 'b', rejected_id: 'a', feedback_ids: [vb.id] }),
    ]);
  });

  it('makes no pair of a tie or of "both bad"', () => {
    expect(rowsOf('dpo', oneQuestion(siblings, [pairwise('a', 'b', 'tie'), pairwise('a', 'b', 'both_bad')]))).toEqual([]);
  });

  it('writes the standard form as an HH-RLHF prompt and answers after a space', () => {
    const rows = rowsOf('dpo', twoExchanges([pairwise('a2', 'b2', 'a')]), 'standard');
    expect(pick(rows, 'prompt', 'chosen', 'rejected', 'prompt_id')).toEqual([
      {
        prompt: '\n\nSystem: Be brief.\n\nHuman: Which river runs through Lisbon?\n\nAssistant: The Tagus.\n\nHuman: Where does it rise?\n\nAssistant:',
        chosen: ' In the Sierra de Albarracín, Spain.',
        rejected: ' In the Alps.',
        prompt_id: 'q2',
      },
    ]);
  });

  it('gives the conversational prompt every turn through the answers’ parent', () => {
    const [row] = rowsOf('dpo', twoExchanges([pairwise('a2', 'b2', 'b')]));
    expect(row!.prompt).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Which river runs through Lisbon?' },
      { role: 'assistant', content: 'The Tagus.' },
      { role: 'user', content: 'Where does it rise?' },
    ]);
    expect(row).toMatchObject({ chosen: said('In the Alps.'), rejected: said('In the Sierra de Albarracín, Spain.') });
  });

  it('pairs answers of two threads only when the threads read the same up to them', () => {
    const messages = [
      user('q', null, 'Hi'),
      bot('x1', 'q', 'Hello!'),
      user('x2', 'x1', 'Name a river.'),
      bot('x3', 'x2', 'The Tagus.'),
      bot('y1', 'q', 'Hello!'),
      user('y2', 'y1', 'Name a river.'),
      bot('y3', 'y2', 'The Nile.'),
      bot('z1', 'q', 'Hey.'),
      user('z2', 'z1', 'Name a river.'),
      bot('z3', 'z2', 'The Rhine.'),
    ];
    const rows = rowsOf('dpo', { conversation, messages, feedback: [pairwise('x3', 'y3', 'a'), pairwise('x3', 'z3', 'a')] });
    expect(pick(rows, 'chosen_id', 'rejected_id', 'prompt_id')).toEqual([{ chosen_id: 'x3', rejected_id: 'y3', prompt_id: 'x2' }]);
  });

  it('prefers a correction’s text over the answer it corrects', () => {
    const fix = correction('a', 'The Tagus (Tejo).');
    const rows = rowsOf('dpo', oneQuestion([['a', 'The Douro.']], [fix]));
    expect(pick(rows, 'chosen', 'rejected', 'source', 'chosen_id', 'rejected_id', 'chosen_model', 'feedback_ids')).toEqual([
      { chosen: said('The Tagus (Tejo).'), rejected: said('The Douro.'), source: 'correction', chosen_id: null, rejected_id: 'a', chosen_model: null, feedback_ids: [fix.id] },
    ]);
  });

  it('makes every pair of a ranking, the better over the worse', () => {
    const bundle = oneQuestion(
      [
        ['a', 'one'],
        ['b', 'two'],
        ['c', 'three'],
      ],
      [ranking('b', 'c', 'a')],
    );
    expect(pick(rowsOf('dpo', bundle), 'chosen_id', 'rejected_id', 'source')).toEqual([
      { chosen_id: 'b', rejected_id: 'c', source: 'ranking' },
      { chosen_id: 'b', rejected_id: 'a', source: 'ranking' },
      { chosen_id: 'c', rejected_id: 'a', source: 'ranking' },
    ]);
  });

  it('ranks on without an answer that is no longer in the pool', () => {
    const bundle = oneQuestion(
      [
        ['a', 'one'],
        ['c', 'three'],
      ],
      [ranking('a', 'gone', 'c')],
    );
    expect(pick(rowsOf('dpo', bundle), 'chosen_id', 'rejected_id')).toEqual([{ chosen_id: 'a', rejected_id: 'c' }]);
  });

  it('prefers a thumbed-up sibling over a thumbed-down one, and nothing else of thumbs', () => {
    const bundle = oneQuestion(
      [
        ['down', 'bad'],
        ['up', 'good'],
        ['up2', 'good too'],
        ['unjudged', 'maybe'],
        ['even', 'so-so'],
      ],
      [thumbs('down', 'down'), thumbs('up', 'up'), thumbs('up2', 'up'), thumbs('even', 'up'), thumbs('even', 'down')],
    );
    expect(pick(rowsOf('dpo', bundle), 'chosen_id', 'rejected_id', 'source')).toEqual([
      { chosen_id: 'up', rejected_id: 'down', source: 'thumbs' },
      { chosen_id: 'up2', rejected_id: 'down', source: 'thumbs' },
    ]);
  });

  it('does not pair thumbs of answers to different prompts', () => {
    const bundle = twoExchanges([thumbs('a1', 'up'), thumbs('b2', 'down')]);
    expect(rowsOf('dpo', bundle)).toEqual([]);
  });

  it('prefers the better-rated of two siblings (overall ratings)', () => {
    const bundle = oneQuestion(
      [
        ['low', 'meh'],
        ['high', 'great'],
        ['same', 'also meh'],
      ],
      [rating('low', 2), rating('high', 5), rating('same', 2)],
    );
    expect(pick(rowsOf('dpo', bundle), 'chosen_id', 'rejected_id', 'source')).toEqual([
      { chosen_id: 'high', rejected_id: 'low', source: 'rating' },
      { chosen_id: 'high', rejected_id: 'same', source: 'rating' },
    ]);
  });

  it('leaves out a pair whose two texts are equal', () => {
    expect(rowsOf('dpo', oneQuestion([['a', 'Same.'], ['b', 'Same.']], [pairwise('a', 'b', 'a')]))).toEqual([]);
  });
});

describe('kto', () => {
  const answers: [string, string][] = [
    ['a', 'The Tagus.'],
    ['b', 'The Douro.'],
  ];
  const labels = (bundle: ExportBundle) => pick(rowsOf('kto', bundle), 'message_id', 'source', 'label');

  it('labels thumbs up true and thumbs down false', () => {
    const rows = rowsOf('kto', oneQuestion(answers, [thumbs('a', 'up'), thumbs('b', 'down')]));
    expect(rows[0]).toMatchObject({ prompt: [{ role: 'user', content: 'Which river runs through Lisbon?' }], completion: said('The Tagus.'), label: true });
    expect(rows[1]).toMatchObject({ completion: said('The Douro.'), label: false });
    expect(rowsOf('kto', oneQuestion(answers, [thumbs('a', 'up')]), 'standard')[0]).toMatchObject({ prompt: '\n\nHuman: Which river runs through Lisbon?\n\nAssistant:', completion: ' The Tagus.', label: true });
  });

  it('labels ratings by the sign of their valence, and the middle of the scale not at all', () => {
    const bundle = oneQuestion(
      [
        ['a', '4'],
        ['b', '2'],
        ['c', '3'],
      ],
      [rating('a', 4), rating('b', 2), rating('c', 3)],
    );
    expect(labels(bundle)).toEqual([
      { message_id: 'a', source: 'judgements', label: true },
      { message_id: 'b', source: 'judgements', label: false },
    ]);
  });

  it('labels flags and regenerations false', () => {
    const bundle = oneQuestion(answers, [event({ kind: 'flag', message_id: 'a', reason: 'pii' }), event({ kind: 'regenerate', message_id: 'b' })]);
    expect(labels(bundle)).toEqual([
      { message_id: 'a', source: 'judgements', label: false },
      { message_id: 'b', source: 'judgements', label: false },
    ]);
  });

  it('labels natural UR5 true and UR1–UR4 false', () => {
    const messages = [user('q', null, 'Q')];
    const feedback: Feedback[] = [];
    ['UR1', 'UR2', 'UR3', 'UR4', 'UR5'].forEach((category, i) => {
      messages.push(bot(`a${i}`, 'q', `answer ${i}`), user(`r${i}`, `a${i}`, `reply ${i}`));
      feedback.push(event({ kind: 'natural', message_id: `a${i}`, source_message_id: `r${i}`, category, span: { start: 0, end: 5 } }));
    });
    expect(labels({ conversation, messages, feedback }).map((r) => r.label)).toEqual([false, false, false, false, true]);
  });

  it('labels a corrected answer false and its correction true', () => {
    const bundle = oneQuestion([['a', 'The Douro.']], [correction('a', 'The Tagus.')]);
    const rows = rowsOf('kto', bundle);
    expect(pick(rows, 'completion', 'label', 'source', 'model')).toEqual([
      { completion: said('The Douro.'), label: false, source: 'judgements', model: 'm-1' },
      { completion: said('The Tagus.'), label: true, source: 'correction', model: null },
    ]);
  });

  it('reads "both bad" as a false label for both answers, and other comparisons and critiques not at all', () => {
    const critique = event({ kind: 'critique', message_id: 'a', text: 'Too short.', sentiment: -1 });
    expect(labels(oneQuestion(answers, [pairwise('a', 'b', 'a'), ranking('b', 'a'), critique]))).toEqual([]);
    expect(labels(oneQuestion(answers, [pairwise('a', 'b', 'both_bad')]))).toEqual([
      { message_id: 'a', source: 'judgements', label: false },
      { message_id: 'b', source: 'judgements', label: false },
    ]);
  });

  it('gives one row an answer, labelled by the sign of its mean valence, and none when its judgements cancel out', () => {
    const up = [thumbs('a', 'up'), thumbs('a', 'up'), thumbs('a', 'down')];
    const rows = rowsOf('kto', oneQuestion(answers, [...up, thumbs('b', 'up'), event({ kind: 'regenerate', message_id: 'b' })]));
    expect(pick(rows, 'message_id', 'label', 'valence', 'feedback_ids')).toEqual([{ message_id: 'a', label: true, valence: expect.closeTo(1 / 3, 12), feedback_ids: up.map((f) => f.id) }]);
  });

  it('treats ratings whose valences cancel out in floating point as a tie', () => {
    const scale = { scale_min: 0, scale_max: 3 };
    expect(rowsOf('kto', oneQuestion([['a', 'x']], [rating('a', 1, scale), rating('a', 2, scale)]))).toEqual([]);
  });
});

describe('reward', () => {
  const margins = (bundle: ExportBundle) => pick(rowsOf('reward', bundle), 'source', 'chosen_id', 'rejected_id', 'margin');

  it('writes each side as the whole thread (implicit prompt), conversational and as an HH-RLHF transcript', () => {
    const bundle = twoExchanges([pairwise('a2', 'b2', 'a')]);
    const [row] = rowsOf('reward', bundle);
    const thread = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Which river runs through Lisbon?' },
      { role: 'assistant', content: 'The Tagus.' },
      { role: 'user', content: 'Where does it rise?' },
    ];
    expect(row).toMatchObject({ chosen: [...thread, ...said('In the Sierra de Albarracín, Spain.')], rejected: [...thread, ...said('In the Alps.')], margin: 1 });
    const [standard] = rowsOf('reward', bundle, 'standard');
    const transcript = '\n\nSystem: Be brief.\n\nHuman: Which river runs through Lisbon?\n\nAssistant: The Tagus.\n\nHuman: Where does it rise?\n\nAssistant:';
    expect(standard).toMatchObject({ chosen: `${transcript} In the Sierra de Albarracín, Spain.`, rejected: `${transcript} In the Alps.`, margin: 1 });
  });

  it('gives pairwise votes and corrections a margin of 1', () => {
    const bundle = oneQuestion(
      [
        ['a', 'The Tagus.'],
        ['b', 'The Douro.'],
      ],
      [pairwise('a', 'b', 'b'), correction('a', 'The Tagus, or Tejo.')],
    );
    expect(margins(bundle)).toEqual([
      { source: 'pairwise', chosen_id: 'b', rejected_id: 'a', margin: 1 },
      { source: 'correction', chosen_id: null, rejected_id: 'a', margin: 1 },
    ]);
  });

  it('gives ranking pairs their distance in the ranking over its length (best over worst: 1)', () => {
    const bundle = oneQuestion(
      [
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
        ['d', '4'],
      ],
      [ranking('a', 'b', 'c', 'd')],
    );
    expect(margins(bundle).map((r) => [r.chosen_id, r.rejected_id, r.margin])).toEqual([
      ['a', 'b', 1 / 3],
      ['a', 'c', 2 / 3],
      ['a', 'd', 1],
      ['b', 'c', 1 / 3],
      ['b', 'd', 2 / 3],
      ['c', 'd', 1 / 3],
    ]);
  });

  it('gives rated siblings their score difference over the scale’s range', () => {
    const bundle = oneQuestion(
      [
        ['two', 'x'],
        ['five', 'y'],
        ['four', 'z'],
      ],
      [rating('two', 2), rating('five', 5), rating('four', 4)],
    );
    expect(margins(bundle)).toEqual([
      { source: 'rating', chosen_id: 'five', rejected_id: 'two', margin: 0.75 },
      { source: 'rating', chosen_id: 'four', rejected_id: 'two', margin: 0.5 },
      { source: 'rating', chosen_id: 'five', rejected_id: 'four', margin: 0.25 },
    ]);
    const tenths = oneQuestion(
      [
        ['six', 'x'],
        ['eight', 'y'],
      ],
      [rating('six', 6, { scale_min: 0, scale_max: 10 }), rating('eight', 8, { scale_min: 0, scale_max: 10 })],
    );
    expect(margins(tenths)).toEqual([{ source: 'rating', chosen_id: 'eight', rejected_id: 'six', margin: expect.closeTo(0.2, 12) }]);
  });

  it('gives thumbs of siblings half the difference of their mean valences (all up over all down: 1)', () => {
    const bundle = oneQuestion(
      [
        ['down', 'x'],
        ['up', 'y'],
        ['mostlyUp', 'z'],
      ],
      [thumbs('down', 'down'), thumbs('up', 'up', 2), thumbs('mostlyUp', 'up', 3), thumbs('mostlyUp', 'down')],
    );
    expect(margins(bundle)).toEqual([
      { source: 'thumbs', chosen_id: 'up', rejected_id: 'down', margin: 1 },
      { source: 'thumbs', chosen_id: 'mostlyUp', rejected_id: 'down', margin: 0.75 },
    ]);
  });

  it('has the same pairs as dpo', () => {
    const bundle = oneQuestion(
      [
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
      [ranking('c', 'a', 'b'), thumbs('a', 'up'), thumbs('b', 'down'), pairwise('a', 'c', 'a'), correction('b', 'two'), rating('a', 4), rating('c', 1)],
    );
    for (const form of FORMS) {
      const ids = (name: string) => pick(rowsOf(name, bundle, form), 'source', 'prompt_id', 'chosen_id', 'rejected_id', 'feedback_ids');
      expect(ids('reward')).toEqual(ids('dpo'));
      expect(ids('reward')).toHaveLength(3 + 1 + 1 + 1 + 1); // ranking, pairwise, correction, thumbs, rating
    }
  });
});

describe('every training view', () => {
  it('writes rows that fit its columns in both forms, on a conversation with every kind of feedback', () => {
    const messages = [user('q', null, 'Q'), bot('a', 'q', 'A'), bot('b', 'q', 'B'), user('r', 'a', 'Great, thanks'), bot('a2', 'r', 'You are welcome.')];
    const feedback = [
      thumbs('a', 'up'),
      thumbs('b', 'down'),
      rating('a', 5),
      rating('b', 1),
      pairwise('a', 'b', 'a'),
      ranking('a', 'b'),
      correction('b', 'B, corrected'),
      event({ kind: 'critique', message_id: 'a', text: 'Fine.', sentiment: 1 }),
      event({ kind: 'flag', message_id: 'b', reason: 'other' }),
      event({ kind: 'regenerate', message_id: 'b' }),
      event({ kind: 'natural', message_id: 'a', source_message_id: 'r', category: 'UR5', span: { start: 0, end: 5 } }),
      thumbs('a2', 'up'),
    ];
    const counts = Object.fromEntries(FORMS.flatMap((form) => ['sft', 'dpo', 'kto', 'reward'].map((name) => [`${name}/${form}`, rowsOf(name, { conversation, messages, feedback }, form).length])));
    expect(counts).toEqual({
      'sft/conversational': 3, // a, a2, b's correction
      'sft/standard': 3,
      'dpo/conversational': 5, // pairwise, correction, ranking, thumbs, rating
      'dpo/standard': 5,
      'kto/conversational': 4, // a, b, b's correction, a2
      'kto/standard': 4,
      'reward/conversational': 5,
      'reward/standard': 5,
    });
  });
});
