import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importFormat, pathTo, type ImportedConversation, type ImportedFeedback, type ImportFormat, type ImportResult } from '../src/index.js';

/*
 * The HH-RLHF, TRL / LLaMA-Factory preference and KTO importers, on the real files in
 * ../shared/data (read in place; every expected count is computed here from the file itself) and
 * on hand-made rows for each layout and each way a row can be wrong.
 */

const DATA = new URL('../../../../shared/data/', import.meta.url);
const hh = importFormat('hh-rlhf')!;
const preference = importFormat('preference')!;
const kto = importFormat('kto')!;

function readAll(format: ImportFormat, records: readonly unknown[], source = format.name): ImportResult[] {
  const reader = format.createReader({ source });
  return [...records.flatMap((r, i) => reader.read(r, i + 1)), ...reader.finish()];
}

function one(format: ImportFormat, record: unknown): ImportResult {
  const results = readAll(format, [record]);
  expect(results).toHaveLength(1);
  return results[0]!;
}

function ok(result: ImportResult | undefined): ImportedConversation & { notes: string[] } {
  if (result === undefined || !result.ok) throw new Error(`expected an imported conversation, got ${JSON.stringify(result)}`);
  return { ...result.conversation, notes: result.notes };
}

function failure(result: ImportResult | undefined): { code: string; message: string } {
  if (result === undefined || result.ok) throw new Error(`expected a rejected record, got ${JSON.stringify(result)}`);
  return { code: result.code, message: result.message };
}

type Pairwise = Extract<ImportedFeedback, { kind: 'pairwise' }>;
type Thumbs = Extract<ImportedFeedback, { kind: 'thumbs' }>;

function pairwiseOf(c: ImportedConversation): Pairwise {
  expect(c.feedback).toHaveLength(1);
  const f = c.feedback[0]!;
  if (f.kind !== 'pairwise') throw new Error(`expected pairwise, got ${f.kind}`);
  return f;
}

function thumbsOf(c: ImportedConversation): Thumbs {
  expect(c.feedback).toHaveLength(1);
  const f = c.feedback[0]!;
  if (f.kind !== 'thumbs') throw new Error(`expected thumbs, got ${f.kind}`);
  return f;
}

/** The turns from the root to a message, as [role, content]. */
function path(c: ImportedConversation, leaf: string): [string, string][] {
  return pathTo(c.messages, leaf).map((m) => [m.role, m.content]);
}

const content = (c: ImportedConversation, id: string) => c.messages.find((m) => m.id === id)!.content;

// ---------------------------------------------------------------------------------------------
// The real files, and what they say, computed here without the importers.

const hhLines = gunzipSync(readFileSync(new URL('hh-rlhf/harmless-base/test.jsonl.gz', DATA)))
  .toString('utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');
const hhRows = hhLines.map((l) => JSON.parse(l) as { chosen: string; rejected: string });

/** A transcript's turns by role word, with the role words that follow one another (a doubled marker) counted once. */
function rolesOf(transcript: string): { roles: string[]; doubled: boolean } {
  const raw = [...transcript.matchAll(/\n\n(Human|Assistant):/g)].map((m) => m[1]!);
  const roles = raw.filter((r, i) => i === 0 || raw[i - 1] !== r);
  return { roles, doubled: roles.length !== raw.length };
}

/** A transcript's turns as "Role: text" (whitespace collapsed), a turn following one of its own role joined to it. */
function mergedTurns(transcript: string): string[] {
  const turns: [string, string][] = [];
  const parts = transcript.split(/\n\n(Human|Assistant):/);
  for (let i = 1; i < parts.length; i += 2) {
    const text = parts[i + 1]!.replace(/\s+/g, ' ').trim();
    const last = turns.at(-1);
    if (last !== undefined && last[0] === parts[i]) last[1] = `${last[1]} ${text}`.trim();
    else turns.push([parts[i]!, text]);
  }
  return turns.map(([role, text]) => `${role}: ${text}`);
}

/** The transcript with role markers taken out and whitespace collapsed: what the tree's text must add up to. */
const bare = (text: string) => text.replace(/\n\n(Human|Assistant):/g, ' ').replace(/\s+/g, ' ').trim();

const dpoRecords = JSON.parse(readFileSync(new URL('llamafactory/dpo_en_demo.json', DATA), 'utf8')) as {
  conversations: { from: string; value: string }[];
  chosen: { from: string; value: string };
  rejected: { from: string; value: string };
}[];
const v1Records = readFileSync(new URL('llamafactory/v1_dpo_demo.jsonl', DATA), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map(
    (l) =>
      JSON.parse(l) as {
        chosen_messages: { role: string; content: { type: string; value: string }[] }[];
        rejected_messages: { role: string; content: { type: string; value: string }[] }[];
      },
  );
const ktoRecords = JSON.parse(readFileSync(new URL('llamafactory/kto_en_demo.json', DATA), 'utf8')) as { messages: { role: string; content: string }[]; label: boolean }[];

const ROLE: Record<string, string> = { human: 'user', gpt: 'assistant', system: 'system', user: 'user', assistant: 'assistant' };

describe('HH-RLHF on harmless-base/test.jsonl.gz', () => {
  const results = readAll(hh, hhRows);
  const conversations = results.map(ok);

  it('imports every pair as one conversation with one pairwise vote', () => {
    expect(results).toHaveLength(hhRows.length);
    expect(new Set(conversations.map((c) => c.id)).size).toBe(new Set(hhLines).size);
    for (const c of conversations) {
      const vote = pairwiseOf(c);
      expect(vote).toMatchObject({ outcome: 'a', author: null, annotator_role: 'third_party' });
      expect(c.id).toMatch(/^hh-rlhf:[0-9a-f]{28}$/);
    }
  });

  it('splits each pair into its shared prompt and two sibling answers', () => {
    let expectedMessages = 0;
    for (const [i, row] of hhRows.entries()) {
      const c = conversations[i]!;
      const vote = pairwiseOf(c);
      const chosenLeaf = c.messages.find((m) => m.id === vote.message_id)!;
      const rejectedLeaf = c.messages.find((m) => m.id === vote.other_message_id)!;
      expect(chosenLeaf.role).toBe('assistant');
      expect(rejectedLeaf.role).toBe('assistant');
      // Siblings: both answer the last turn of the shared prompt.
      expect(chosenLeaf.parent_id).toBe(rejectedLeaf.parent_id);
      // The path to each answer holds the whole transcript's text.
      expect(bare(pathTo(c.messages, chosenLeaf.id).map((m) => m.content).join(' '))).toBe(bare(row.chosen));
      expect(bare(pathTo(c.messages, rejectedLeaf.id).map((m) => m.content).join(' '))).toBe(bare(row.rejected));
      // Where no marker is doubled, role by role: the path is the transcript.
      const { roles, doubled } = rolesOf(row.chosen);
      if (!doubled) {
        const rebuilt = pathTo(c.messages, chosenLeaf.id)
          .map((m) => `\n\n${m.role === 'user' ? 'Human' : 'Assistant'}: ${m.content}`)
          .join('');
        expect(rebuilt.replace(/\s+/g, ' ').trim()).toBe(row.chosen.replace(/\s+/g, ' ').trim());
      }
      expectedMessages += roles.length + 1; // the prompt, the chosen answer, the rejected answer
    }
    expect(conversations.reduce((n, c) => n + c.messages.length, 0)).toBe(expectedMessages);
  });

  it('counts the pairs whose prompts differ, and those with doubled role markers, as the file has them', () => {
    const count = (note: string) => conversations.filter((c) => c.notes.includes(note)).length;
    // Cut naively at the last "\n\nAssistant:", a few pairs' prompts differ…
    const naive = hhRows.filter((r) => r.chosen.slice(0, r.chosen.lastIndexOf('\n\nAssistant:')) !== r.rejected.slice(0, r.rejected.lastIndexOf('\n\nAssistant:')));
    expect(naive.length).toBeGreaterThan(0);
    // …each because one side has a doubled "\n\nAssistant:" marker: its answer runs over two turns.
    for (const r of naive) expect(rolesOf(r.chosen).doubled || rolesOf(r.rejected).doubled).toBe(true);
    const doubled = hhRows.filter((r) => rolesOf(r.chosen).doubled || rolesOf(r.rejected).doubled);
    expect(count('turns_merged')).toBe(doubled.length);
    // With the doubled markers read as one turn, the prompts differ where the turns before the last do.
    const differ = hhRows.filter((r) => JSON.stringify(mergedTurns(r.chosen).slice(0, -1)) !== JSON.stringify(mergedTurns(r.rejected).slice(0, -1)));
    expect(count('prompts_differ')).toBe(differ.length);
  });

  it('keeps the empty answers the file has (an empty reply can be the harmless one)', () => {
    const empty = hhRows.filter((r) => /\n\nAssistant:\s*$/.test(r.chosen)).length;
    expect(empty).toBeGreaterThan(0);
    const imported = conversations.filter((c) => content(c, pairwiseOf(c).message_id) === '').length;
    expect(imported).toBe(empty);
  });

  it('makes the same ids every time, and other ids under another source name', () => {
    const again = readAll(hh, hhRows.slice(0, 50)).map(ok);
    expect(again.map((c) => c.id)).toEqual(conversations.slice(0, 50).map((c) => c.id));
    expect(again.map((c) => c.messages.map((m) => m.id))).toEqual(conversations.slice(0, 50).map((c) => c.messages.map((m) => m.id)));
    const other = readAll(hh, hhRows.slice(0, 5), 'hh-helpful').map(ok);
    for (const c of other) expect(c.id).toMatch(/^hh-helpful:/);
  });
});

describe('HH-RLHF transcripts made by hand', () => {
  const t = (...turns: [string, string][]) => turns.map(([r, c]) => `\n\n${r}: ${c}`).join('');

  it('builds the common prefix and two branches when the prompts differ, still one vote between the final answers', () => {
    const c = ok(one(hh, { chosen: t(['Human', 'Hi'], ['Assistant', 'Hello!'], ['Human', 'Tell a joke'], ['Assistant', 'A good one']), rejected: t(['Human', 'Hi'], ['Assistant', 'What?'], ['Human', 'Tell a joke'], ['Assistant', 'No']) }));
    expect(c.notes).toEqual(['prompts_differ']);
    const vote = pairwiseOf(c);
    expect(path(c, vote.message_id)).toEqual([['user', 'Hi'], ['assistant', 'Hello!'], ['user', 'Tell a joke'], ['assistant', 'A good one']]);
    expect(path(c, vote.other_message_id)).toEqual([['user', 'Hi'], ['assistant', 'What?'], ['user', 'Tell a joke'], ['assistant', 'No']]);
    expect(c.messages.filter((m) => m.parent_id === null)).toHaveLength(1); // "Hi" is shared
    expect(c.messages).toHaveLength(7);
  });

  it('branches at the answers, even when one side is a longer conversation', () => {
    const c = ok(one(hh, { chosen: t(['Human', 'Q'], ['Assistant', 'A']), rejected: t(['Human', 'Q'], ['Assistant', 'A'], ['Human', 'Q2'], ['Assistant', 'B']) }));
    expect(c.notes).toEqual(['prompts_differ']);
    const vote = pairwiseOf(c);
    expect(path(c, vote.message_id)).toEqual([['user', 'Q'], ['assistant', 'A']]);
    expect(path(c, vote.other_message_id)).toEqual([['user', 'Q'], ['assistant', 'A'], ['user', 'Q2'], ['assistant', 'B']]);
  });

  it('merges a doubled marker into one turn and says so', () => {
    const c = ok(one(hh, { chosen: t(['Human', 'Q'], ['Assistant', 'part one'], ['Assistant', 'part two']), rejected: t(['Human', 'Q'], ['Assistant', 'other']) }));
    expect(c.notes).toEqual(['turns_merged']);
    expect(content(c, pairwiseOf(c).message_id)).toBe('part one\npart two');
  });

  it('keeps two identical answers as two siblings', () => {
    const c = ok(one(hh, { chosen: t(['Human', 'Q'], ['Assistant', 'same']), rejected: t(['Human', 'Q'], ['Assistant', 'same']) }));
    const vote = pairwiseOf(c);
    expect(vote.message_id).not.toBe(vote.other_message_id);
    expect(c.messages).toHaveLength(3);
  });

  it('reads transcripts without the leading blank line, and keeps unicode, emoji and very long text exactly', () => {
    const long = 'ä'.repeat(199_990) + ' 👩‍👩‍👧 end';
    const c = ok(one(hh, { chosen: `Human: Olá 👋 مرحبا\n\nAssistant: ${long}`, rejected: 'Human: Olá 👋 مرحبا\n\nAssistant: 你好，世界 🌍' }));
    const vote = pairwiseOf(c);
    expect(path(c, vote.message_id)).toEqual([['user', 'Olá 👋 مرحبا'], ['assistant', long]]);
    expect(content(c, vote.message_id)).toHaveLength(long.length);
    expect(content(c, vote.other_message_id)).toBe('你好，世界 🌍');
  });

  it('rejects what is not an HH-RLHF pair, with the reason', () => {
    expect(failure(one(hh, 'a string'))).toMatchObject({ code: 'invalid_record' });
    expect(failure(one(hh, { chosen: 'just text', rejected: 'more text' })).message).toMatch(/not an HH-RLHF transcript/);
    expect(failure(one(hh, { chosen: t(['Human', 'Q'], ['Assistant', 'A']), rejected: t(['Human', 'Q']) })).message).toMatch(/rejected does not end with an Assistant/);
    expect(failure(one(hh, { chosen: t(['Assistant', 'A']), rejected: t(['Assistant', 'B']) })).message).toMatch(/starts with an Assistant/);
    expect(failure(one(hh, { chosen: `preamble${t(['Human', 'Q'], ['Assistant', 'A'])}`, rejected: t(['Human', 'Q'], ['Assistant', 'B']) })).message).toMatch(/text before/);
    expect(failure(one(hh, ktoRecords[0])).message).toMatch(/kto format/);
    expect(failure(one(hh, dpoRecords[0])).message).toMatch(/preference format/);
  });
});

describe('TRL / LLaMA-Factory preference rows: the real files', () => {
  it('reads dpo_en_demo.json (sharegpt layout): the conversation, then chosen and rejected as siblings', () => {
    const conversations = readAll(preference, dpoRecords).map(ok);
    expect(conversations).toHaveLength(dpoRecords.length);
    // Rows that repeat one another get one id (the pool keeps one).
    expect(new Set(conversations.map((c) => c.id)).size).toBe(new Set(dpoRecords.map((r) => JSON.stringify(r))).size);
    for (const [i, r] of dpoRecords.entries()) {
      const c = conversations[i]!;
      const vote = pairwiseOf(c);
      expect(vote).toMatchObject({ outcome: 'a', annotator_role: 'third_party', author: null });
      const prompt = r.conversations.map((t) => [ROLE[t.from], t.value]);
      expect(path(c, vote.message_id)).toEqual([...prompt, ['assistant', r.chosen.value]]);
      expect(path(c, vote.other_message_id)).toEqual([...prompt, ['assistant', r.rejected.value]]);
      expect(c.messages).toHaveLength(r.conversations.length + 2);
    }
    // The file's system prompts are the roots of their trees.
    const withSystem = dpoRecords.filter((r) => r.conversations[0]!.from === 'system').length;
    expect(withSystem).toBeGreaterThan(0);
    expect(conversations.filter((c) => c.messages[0]!.role === 'system')).toHaveLength(withSystem);
  });

  it('reads v1_dpo_demo.jsonl (typed content parts): shared system and user turns, two answers', () => {
    const conversations = readAll(preference, v1Records).map(ok);
    expect(conversations).toHaveLength(v1Records.length);
    for (const [i, r] of v1Records.entries()) {
      const c = conversations[i]!;
      const vote = pairwiseOf(c);
      const turns = (side: typeof r.chosen_messages) => side.map((t) => [t.role, t.content.map((p) => p.value).join('')]);
      expect(path(c, vote.message_id)).toEqual(turns(r.chosen_messages));
      expect(path(c, vote.other_message_id)).toEqual(turns(r.rejected_messages));
      const shared = r.chosen_messages.findIndex((t, j) => JSON.stringify(t.content) !== JSON.stringify(r.rejected_messages[j]!.content));
      expect(c.messages).toHaveLength(shared + (r.chosen_messages.length - shared) + (r.rejected_messages.length - shared));
    }
  });

  it('rejects every row of a KTO file, saying it is one', () => {
    const results = readAll(preference, ktoRecords);
    expect(results).toHaveLength(ktoRecords.length);
    for (const r of results) expect(failure(r)).toEqual({ code: 'invalid_record', message: expect.stringMatching(/KTO row.*kto format/) });
  });
});

describe('TRL / LLaMA-Factory preference rows made by hand', () => {
  it('TRL standard: prompt, chosen and rejected as strings', () => {
    const c = ok(one(preference, { prompt: 'The sky is', chosen: ' blue.', rejected: ' green.' }));
    const vote = pairwiseOf(c);
    expect(path(c, vote.message_id)).toEqual([['user', 'The sky is'], ['assistant', ' blue.']]);
    expect(path(c, vote.other_message_id)).toEqual([['user', 'The sky is'], ['assistant', ' green.']]);
    expect(c.notes).toEqual([]);
  });

  it('TRL conversational: a system prompt and turns, chosen and rejected as assistant turns', () => {
    const row = {
      prompt: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'What color is the sky?' },
      ],
      chosen: [{ role: 'assistant', content: 'Il est bleu.' }],
      rejected: [{ role: 'assistant', content: 'It is green.' }],
    };
    const c = ok(one(preference, row));
    expect(c.messages).toHaveLength(4);
    expect(c.messages[0]).toMatchObject({ role: 'system', parent_id: null, content: 'Answer in French.' });
    expect(path(c, pairwiseOf(c).message_id).at(-1)).toEqual(['assistant', 'Il est bleu.']);
  });

  it('TRL implicit prompt: the prompt is what the two conversations share', () => {
    const shared = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello' },
      { role: 'user', content: 'Sky?' },
    ];
    const c = ok(one(preference, { chosen: [...shared, { role: 'assistant', content: 'Blue' }], rejected: [...shared, { role: 'assistant', content: 'Green' }] }));
    expect(c.messages).toHaveLength(5);
    expect(c.notes).toEqual([]);
    const vote = pairwiseOf(c);
    expect(content(c, vote.message_id)).toBe('Blue');
    expect(content(c, vote.other_message_id)).toBe('Green');
  });

  it('a string prompt whose chosen and rejected repeat it as whole conversations (ultrafeedback_binarized)', () => {
    const c = ok(
      one(preference, {
        prompt: 'Sky?',
        chosen: [
          { role: 'user', content: 'Sky?' },
          { role: 'assistant', content: 'Blue' },
        ],
        rejected: [
          { role: 'user', content: 'Sky?' },
          { role: 'assistant', content: 'Green' },
        ],
      }),
    );
    expect(c.messages.map((m) => m.content)).toEqual(['Sky?', 'Blue', 'Green']);
  });

  it('LLaMA-Factory sharegpt with a system column, and alpaca with history', () => {
    const sharegpt = ok(one(preference, { system: 'Be brief.', conversations: [{ from: 'human', value: 'Hi' }], chosen: { from: 'gpt', value: 'Hello' }, rejected: { from: 'gpt', value: 'Go away' } }));
    expect(sharegpt.messages.map((m) => [m.role, m.content])).toEqual([
      ['system', 'Be brief.'],
      ['user', 'Hi'],
      ['assistant', 'Hello'],
      ['assistant', 'Go away'],
    ]);
    const alpaca = ok(one(preference, { instruction: 'Translate', input: 'bonjour', chosen: 'hello', rejected: 'goodbye', history: [['Hi', 'Hello']], system: 'You translate.' }));
    expect(path(alpaca, pairwiseOf(alpaca).message_id)).toEqual([
      ['system', 'You translate.'],
      ['user', 'Hi'],
      ['assistant', 'Hello'],
      ['user', 'Translate\nbonjour'],
      ['assistant', 'hello'],
    ]);
  });

  it('HH-RLHF transcripts as implicit-prompt rows', () => {
    const c = ok(one(preference, hhRows[0]));
    expect(c.id).toMatch(/^preference:/);
    expect(c.messages.length).toBe(rolesOf(hhRows[0]!.chosen).roles.length + 1);
  });

  it('unicode, emoji and a 200,000-character answer stay exactly as they were', () => {
    const long = '😀'.repeat(50_000) + 'x'.repeat(100_000); // 200,000 UTF-16 code units
    expect(long).toHaveLength(200_000);
    const c = ok(one(preference, { prompt: 'Ünïcödé? 🤔 עברית', chosen: long, rejected: 'नमस्ते' }));
    const vote = pairwiseOf(c);
    expect(content(c, vote.message_id)).toBe(long);
    expect(path(c, vote.other_message_id)).toEqual([['user', 'Ünïcödé? 🤔 עברית'], ['assistant', 'नमस्ते']]);
  });

  it('gives the same row the same id, and different rows different ids', () => {
    const row = { prompt: 'p', chosen: 'a', rejected: 'b' };
    expect(ok(one(preference, row)).id).toBe(ok(one(preference, { ...row })).id);
    expect(ok(one(preference, row)).id).not.toBe(ok(one(preference, { ...row, chosen: 'b', rejected: 'a' })).id);
  });

  it('rejects unknown shapes and broken rows with a clear message', () => {
    expect(failure(one(preference, { question: 'q', answer: 'a' })).message).toMatch(/not a preference row.*keys are question, answer/);
    expect(failure(one(preference, [1, 2]))).toMatchObject({ code: 'invalid_record' });
    expect(failure(one(preference, { prompt: 'q', completion: 'a', label: true })).message).toMatch(/kto format/);
    expect(failure(one(preference, { chosen: 'Blue', rejected: 'Green' })).message).toMatch(/no prompt/);
    expect(failure(one(preference, { prompt: 'q', chosen: 3, rejected: 'b' })).message).toMatch(/chosen must be a list of turns/);
    expect(failure(one(preference, { prompt: [{ role: 'wizard', content: 'x' }], chosen: 'a', rejected: 'b' })).message).toMatch(/unknown role "wizard"/);
    expect(failure(one(preference, { prompt: 'q', chosen: [{ role: 'user', content: 'a' }], rejected: 'b' })).message).toMatch(/chosen side does not end with an assistant/);
    // A system prompt in the middle of a conversation is not a tree the pool holds.
    const midSystem = { prompt: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }, { role: 'system', content: 's' }, { role: 'user', content: 'q2' }], chosen: 'x', rejected: 'y' };
    expect(failure(one(preference, midSystem))).toEqual({ code: 'invalid_tree', message: expect.stringMatching(/system message/) });
    expect(failure(one(preference, { chosen_messages: [], rejected_messages: [] }))).toMatchObject({ code: 'empty_record' });
  });
});

describe('KTO rows', () => {
  it('reads kto_en_demo.json (LLaMA-Factory messages + label): a thumb on the last answer', () => {
    const conversations = readAll(kto, ktoRecords).map(ok);
    expect(conversations).toHaveLength(ktoRecords.length);
    for (const [i, r] of ktoRecords.entries()) {
      const c = conversations[i]!;
      const thumbs = thumbsOf(c);
      expect(thumbs).toMatchObject({ value: r.label ? 'up' : 'down', author: null, annotator_role: 'third_party' });
      expect(path(c, thumbs.message_id)).toEqual(r.messages.map((t) => [t.role, t.content]));
    }
    expect(conversations.filter((c) => thumbsOf(c).value === 'up')).toHaveLength(ktoRecords.filter((r) => r.label).length);
    expect(conversations.reduce((n, c) => n + c.messages.length, 0)).toBe(ktoRecords.reduce((n, r) => n + r.messages.length, 0));
    expect(new Set(conversations.map((c) => c.id)).size).toBe(new Set(ktoRecords.map((r) => JSON.stringify(r))).size);
  });

  it('reads TRL rows: standard, conversational and implicit prompt', () => {
    const standard = ok(one(kto, { prompt: 'The sky is', completion: ' blue.', label: true }));
    expect(standard.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'The sky is'],
      ['assistant', ' blue.'],
    ]);
    expect(thumbsOf(standard)).toMatchObject({ value: 'up', message_id: standard.messages[1]!.id });
    const conversational = ok(one(kto, { prompt: [{ role: 'system', content: 'Be kind' }, { role: 'user', content: 'Sky?' }], completion: [{ role: 'assistant', content: 'Green' }], label: false }));
    expect(conversational.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(thumbsOf(conversational).value).toBe('down');
    const implicit = ok(one(kto, { completion: [{ role: 'user', content: 'Sky?' }, { role: 'assistant', content: 'Blue' }], label: true }));
    expect(implicit.messages).toHaveLength(2);
    const sharegpt = ok(one(kto, { conversations: [{ from: 'human', value: 'Hi 👋' }, { from: 'gpt', value: 'Hallo 🇩🇪' }], label: false, system: 'sys' }));
    expect(sharegpt.messages.map((m) => [m.role, m.content])).toEqual([
      ['system', 'sys'],
      ['user', 'Hi 👋'],
      ['assistant', 'Hallo 🇩🇪'],
    ]);
  });

  it('the same conversation judged both ways is two conversations; the same row twice is one', () => {
    const up = ok(one(kto, { prompt: 'q', completion: 'a', label: true }));
    const down = ok(one(kto, { prompt: 'q', completion: 'a', label: false }));
    expect(up.id).not.toBe(down.id);
    expect(ok(one(kto, { prompt: 'q', completion: 'a', label: true })).id).toBe(up.id);
  });

  it('keeps a 200,000-character completion exactly', () => {
    const long = '🦀'.repeat(100_000);
    const c = ok(one(kto, { prompt: 'Ünïcödé', completion: long, label: true }));
    expect(content(c, thumbsOf(c).message_id)).toBe(long);
  });

  it('rejects rows that are not KTO rows, with the reason', () => {
    expect(failure(one(kto, dpoRecords[0])).message).toMatch(/preference format/);
    expect(failure(one(kto, { prompt: 'q', completion: 'a', label: 'yes' })).message).toMatch(/label must be true or false, not "yes"/);
    expect(failure(one(kto, { prompt: 'q', completion: 'a' })).message).toMatch(/label must be true or false, not missing/);
    expect(failure(one(kto, { completion: 'a', label: true })).message).toMatch(/no prompt/);
    expect(failure(one(kto, { messages: [{ role: 'user', content: 'q' }], label: true })).message).toMatch(/does not end with the assistant turn/);
    expect(failure(one(kto, { messages: [], label: true }))).toMatchObject({ code: 'empty_record' });
    expect(failure(one(kto, { text: 'x', label: true })).message).toMatch(/not a KTO row.*keys are text, label/);
    expect(failure(one(kto, { messages: [{ role: 'assistant', content: 'a' }], label: true }))).toMatchObject({ code: 'invalid_tree' });
  });
});
