import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentId, orderTree, type ExportBundle, type ExportMessage, type Feedback, type ImportedConversation, type ImportResult } from '../src/index.js';
import { oasstFormat } from '../src/interchange/formats/oasst.js';
import { oasstView } from '../src/interchange/views/oasst.js';

/*
 * The OpenAssistant importer and the `oasst` view, on OpenAssistant's own files (read in place from
 * ../shared/data, counts worked out here from the files) and on hand-made edge cases.
 */

const DATA = new URL('../../../../shared/data/oasst-native/', import.meta.url).pathname;
type Json = Record<string, any>;
const lines = (name: string): Json[] =>
  readFileSync(DATA + name, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Json);
const messageFile = lines('en_100_message.jsonl');
const treeFile = lines('en_100_tree.jsonl');

function importAll(records: unknown[], source = 'oasst'): ImportResult[] {
  const reader = oasstFormat.createReader({ source });
  const out = records.flatMap((r, i) => reader.read(r, i + 1));
  return [...out, ...reader.finish()];
}
const conversations = (results: ImportResult[]) => results.flatMap((r) => (r.ok ? [r.conversation] : []));
const failures = (results: ImportResult[]) => results.flatMap((r) => (r.ok ? [] : [r]));

/** Every message of a nested tree with its parent's id, depth first. */
function walk(root: Json): { node: Json; parent: Json | null }[] {
  const out: { node: Json; parent: Json | null }[] = [];
  const visit = (node: Json, parent: Json | null) => {
    out.push({ node, parent });
    for (const r of node.replies ?? []) visit(r, node);
  };
  visit(root, null);
  return out;
}

/** What the file says the import must give, worked out from the JSON alone. */
function expectedFrom(roots: Json[]) {
  const e = { trees: 0, whollyLeftOut: 0, kept: 0, skipped: {} as Record<string, number>, thumbs: 0, flags: 0, ratings: 0, rankings: 0, untouched: [] as string[] };
  for (const root of roots) {
    e.trees++;
    const reason = new Map<Json, string | null>();
    for (const { node, parent } of walk(root)) {
      const own = node.deleted ? 'deleted' : node.synthetic ? 'synthetic' : null;
      reason.set(node, own ?? (parent !== null && reason.get(parent) !== null ? 'below_skipped' : null));
    }
    const kept = [...reason].filter(([, r]) => r === null).map(([n]) => n);
    for (const r of reason.values()) if (r !== null) e.skipped[r] = (e.skipped[r] ?? 0) + 1;
    if (kept.length === 0) e.whollyLeftOut++;
    if (kept.length === reason.size) e.untouched.push(root.message_id);
    e.kept += kept.length;
    for (const n of kept) {
      for (const [name, count] of Object.entries(n.emojis ?? {})) {
        if ((name === '+1' || name === '-1') && (count as number) >= 1) e.thumbs++;
        if (name === 'red_flag' && (count as number) >= 1) e.flags++;
      }
      e.ratings += Object.keys(n.labels ?? {}).length;
      if ((n.replies ?? []).filter((r: Json) => reason.get(r) === null && r.rank !== null && r.rank !== undefined).length >= 2) e.rankings++;
    }
  }
  return e;
}

function feedbackCounts(convs: ImportedConversation[]) {
  const c: Record<string, number> = {};
  for (const conv of convs) for (const f of conv.feedback) c[f.kind] = (c[f.kind] ?? 0) + 1;
  return c;
}

const NOW = '2026-11-28T10:00:00.000Z';

/**
 * An imported conversation as the export service hands it to a view: what the import service
 * stores (people as `ext:` contributors, `source_meta` as JSON, missing times set to the import's),
 * read back in the stored order (by time, then id) and put in tree order.
 */
function bundleOf(c: ImportedConversation, source = 'oasst'): ExportBundle {
  const person = (a: string | null) => (a === null ? `ext:${source}` : `ext:${source}:${contentId(a)}`);
  const created = c.created_at ?? NOW;
  const stored: ExportMessage[] = c.messages
    .map((m) => ({
      id: m.id,
      conversation_id: c.id,
      parent_id: m.parent_id,
      role: m.role,
      content: m.content,
      model_id: null,
      model_version_id: null,
      model_name: m.model_name,
      contributor_id: m.role === 'user' ? person(m.author) : null,
      language: m.language ?? c.language,
      status: 'active' as const,
      created_at: m.created_at ?? created,
      source_meta: m.source_meta === null ? null : (JSON.parse(JSON.stringify(m.source_meta)) as Record<string, unknown>),
    }))
    .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ordered = orderTree(stored);
  if (!ordered.ok) throw new Error('damaged tree');
  const feedback = c.feedback.map((f) => {
    const { author, created_at, ...fields } = f;
    return {
      message_id: null,
      ...fields,
      contributor_id: person(author),
      conversation_id: c.id,
      provenance: { type: 'human' },
      methodology_version: 'import:oasst',
      valence: null,
      licence: 'Apache-2.0',
      status: 'active',
      model_id: null,
      community_id: null,
      language: c.language,
      created_at: created_at ?? created,
      updated_at: created_at ?? created,
    } as unknown as Feedback;
  });
  return {
    conversation: { id: c.id, community_id: null, contributor_id: person(c.author), title: c.title, language: c.language, source, licence: 'Apache-2.0', status: 'active', created_at: created, updated_at: created },
    messages: ordered.ordered,
    feedback,
  };
}

const exportRows = (convs: ImportedConversation[], source = 'oasst') => convs.flatMap((c) => oasstView.rows(bundleOf(c, source), { form: 'conversational' }));
const byTreeId = (rows: Record<string, unknown>[]) => new Map(rows.map((r) => [r.message_tree_id as string, r]));

/** Hugging Face oasst1/oasst2 rows of a native tree: one message per row, emojis and labels as parallel lists. */
function flatRows(tree: Json): Json[] {
  return walk(tree.prompt).map(({ node, parent }) => ({
    message_id: node.message_id,
    parent_id: parent === null ? null : parent.message_id,
    user_id: null,
    created_date: null,
    text: node.text,
    role: node.role,
    lang: node.lang,
    review_count: node.review_count,
    review_result: node.review_result,
    deleted: node.deleted,
    rank: node.rank ?? null,
    synthetic: node.synthetic,
    model_name: node.model_name ?? null,
    detoxify: null,
    message_tree_id: tree.message_tree_id,
    tree_state: tree.tree_state,
    emojis: node.emojis === undefined ? null : { name: Object.keys(node.emojis), count: Object.values(node.emojis) },
    labels: null,
  }));
}

/** A deterministic shuffle (mulberry32), so a failure can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  const random = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A conversation with its messages by id and without the sibling order, to compare imports whose rows came in another order. */
function unordered(c: ImportedConversation) {
  return {
    ...c,
    messages: [...c.messages]
      .map((m) => {
        const { reply_index: _, ...meta } = m.source_meta ?? {};
        return { ...m, source_meta: meta };
      })
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    feedback: [...c.feedback].sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}

describe('oasst import of the native exports', () => {
  const expected = expectedFrom(treeFile.map((t) => t.prompt));

  it('reads the one-tree-per-line message export with the counts the file gives', () => {
    expect(expectedFrom(messageFile)).toEqual(expected);
    const results = importAll(messageFile);
    const convs = conversations(results);
    expect(results).toHaveLength(messageFile.length);
    expect(convs).toHaveLength(expected.trees - expected.whollyLeftOut);
    expect(convs.reduce((n, c) => n + c.messages.length, 0)).toBe(expected.kept);
    expect(feedbackCounts(convs)).toEqual({ thumbs: expected.thumbs, ranking: expected.rankings, flag: expected.flags, ...(expected.ratings > 0 ? { rating: expected.ratings } : {}) });
    // Left out: counted per reason, whether part of a tree or all of it.
    const skipped: Record<string, number> = {};
    for (const r of results) for (const s of (r.ok ? r.skipped : r.skipped) ?? []) skipped[s.reason] = (skipped[s.reason] ?? 0) + s.messages;
    expect(skipped).toEqual(expected.skipped);
    expect(failures(results).map((f) => f.code)).toEqual(Array(expected.whollyLeftOut).fill('empty_record'));
    // Sanity of the sample itself: it has trees left out, feedback of every kind it holds, and a red flag.
    expect(expected.whollyLeftOut).toBeGreaterThan(0);
    expect(expected.flags).toBeGreaterThan(0);
  });

  it('gives the same pool content from the nested tree export as from the message export', () => {
    const fromTrees = importAll(treeFile);
    const fromMessages = importAll(messageFile);
    expect(fromTrees).toEqual(fromMessages);
    expect(conversations(fromTrees).length).toBeGreaterThan(90);
  });

  it('keeps the source ids, people, languages and what the pool has no column for', () => {
    const convs = conversations(importAll(treeFile));
    const tree = treeFile.find((t) => t.message_tree_id === convs[0]!.id.slice('oasst:'.length))!;
    const c = convs[0]!;
    expect(c.id).toBe(`oasst:${tree.message_tree_id}`);
    expect(c.language).toBe(tree.prompt.lang);
    const root = c.messages[0]!;
    expect(root).toMatchObject({ id: `oasst:${tree.prompt.message_id}`, parent_id: null, role: 'user', content: tree.prompt.text, language: tree.prompt.lang });
    expect(root.source_meta).toEqual({
      oasst: {
        lang: tree.prompt.lang,
        review_count: tree.prompt.review_count,
        review_result: tree.prompt.review_result,
        deleted: false,
        synthetic: false,
        ...(tree.prompt.emojis !== undefined && Object.keys(tree.prompt.emojis).some((e) => !['+1', '-1', 'red_flag'].includes(e))
          ? { emojis: Object.fromEntries(Object.entries(tree.prompt.emojis).filter(([e]) => !['+1', '-1', 'red_flag'].includes(e))) }
          : {}),
      },
    });
    const answer = c.messages.find((m) => m.role === 'assistant')!;
    expect(answer.parent_id).toMatch(/^oasst:/);
    expect(answer.source_meta).toHaveProperty('reply_index');
  });

  it('turns ranks into one consensus ranking per parent, best first, and emojis into counted thumbs and flags', () => {
    const convs = conversations(importAll(treeFile));
    for (const tree of treeFile) {
      const c = convs.find((x) => x.id === `oasst:${tree.message_tree_id}`);
      if (c === undefined) continue;
      for (const { node } of walk(tree.prompt)) {
        const ranked = (node.replies as Json[]).filter((r) => r.rank !== undefined).sort((a, b) => a.rank - b.rank);
        const ranking = c.feedback.find((f) => f.kind === 'ranking' && f.id === `oasst:${node.message_id}:ranking`);
        if (ranked.length < 2) expect(ranking).toBeUndefined();
        else expect(ranking).toEqual({ id: `oasst:${node.message_id}:ranking`, kind: 'ranking', author: null, annotator_role: 'third_party', created_at: null, ranking: ranked.map((r) => `oasst:${r.message_id}`) });
        for (const [emoji, count] of Object.entries((node.emojis ?? {}) as Record<string, number>)) {
          const id = { '+1': 'thumbs:up', '-1': 'thumbs:down', red_flag: 'flag:red_flag' }[emoji];
          if (id === undefined) continue;
          const f = c.feedback.find((x) => x.id === `oasst:${node.message_id}:${id}`);
          expect(f).toMatchObject({ message_id: `oasst:${node.message_id}`, count, author: null, annotator_role: 'third_party' });
          if (emoji === 'red_flag') expect(f).toMatchObject({ kind: 'flag', reason: 'other', note: 'red_flag' });
          else expect(f).toMatchObject({ kind: 'thumbs', value: emoji === '+1' ? 'up' : 'down' });
        }
      }
    }
  });

  it('re-importing gives the same ids, so the pool adds nothing', () => {
    const first = conversations(importAll(treeFile));
    const second = conversations(importAll(treeFile));
    expect(second.map((c) => [c.id, c.messages.map((m) => m.id), c.feedback.map((f) => f.id)])).toEqual(first.map((c) => [c.id, c.messages.map((m) => m.id), c.feedback.map((f) => f.id)]));
    const ids = first.flatMap((c) => c.feedback.map((f) => f.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('names ids and people after the source it is given', () => {
    const [c] = conversations(importAll(treeFile.slice(1, 2), 'oasst2'));
    expect(c!.id).toBe(`oasst2:${treeFile[1]!.message_tree_id}`);
    expect(c!.messages.every((m) => m.id.startsWith('oasst2:'))).toBe(true);
    expect(c!.feedback.every((f) => f.id.startsWith('oasst2:'))).toBe(true);
  });
});

describe('round trip: native export → import → oasst view', () => {
  const expected = expectedFrom(treeFile.map((t) => t.prompt));

  it('gives back every tree without synthetic or deleted messages exactly as the file has it', () => {
    const rows = byTreeId(exportRows(conversations(importAll(treeFile))));
    const untouched = treeFile.filter((t) => expected.untouched.includes(t.prompt.message_id));
    expect(untouched.length).toBe(expected.trees - expected.whollyLeftOut);
    expect(rows.size).toBe(untouched.length);
    for (const tree of untouched) expect(rows.get(tree.message_tree_id)).toStrictEqual(tree);
  });

  it('gives the tree export from the message export too (nulls of the message layout are absent in the tree layout)', () => {
    const rows = byTreeId(exportRows(conversations(importAll(messageFile))));
    for (const tree of treeFile.filter((t) => expected.untouched.includes(t.prompt.message_id))) expect(rows.get(tree.message_tree_id)).toStrictEqual(tree);
  });

  it('writes the same JSON text: fields, emojis and replies in the order OpenAssistant writes them', () => {
    const rows = byTreeId(exportRows(conversations(importAll(treeFile))));
    for (const tree of treeFile.filter((t) => expected.untouched.includes(t.prompt.message_id))) expect(JSON.stringify(rows.get(tree.message_tree_id))).toBe(JSON.stringify(tree));
  });

  it('has the columns the writers need', () => {
    expect(oasstView.columns({ form: 'conversational' }).map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['message_tree_id', 'string', false],
      ['tree_state', 'string', false],
      ['prompt', 'json', false],
    ]);
  });
});

describe('oasst import of Hugging Face rows (one message per row)', () => {
  const nestedImport = importAll(treeFile);
  const rows = treeFile.flatMap(flatRows);

  it('gives the same conversations as the nested export, rows in file order', () => {
    expect(rows.length).toBe(treeFile.reduce((n, t) => n + walk(t.prompt).length, 0));
    const flat = importAll(rows);
    expect(conversations(flat)).toEqual(conversations(nestedImport));
    expect(failures(flat).map((f) => [f.code, f.skipped])).toEqual(failures(nestedImport).map((f) => [f.code, f.skipped]));
  });

  it('holds the rows of a tree wherever they are in the file (scrambled order)', () => {
    const scrambled = shuffled(rows, 42);
    expect(scrambled.map((r) => r.message_id)).not.toEqual(rows.map((r) => r.message_id));
    const flat = conversations(importAll(scrambled));
    const nested = conversations(nestedImport);
    expect(flat.map(unordered).sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(nested.map(unordered).sort((a, b) => (a.id < b.id ? -1 : 1)));
    // Nothing leaves the reader before the file ends.
    const reader = oasstFormat.createReader({ source: 'oasst' });
    expect(scrambled.flatMap((r, i) => reader.read(r, i + 1))).toEqual([]);
    expect(reader.finish().filter((r) => r.ok)).toHaveLength(nested.length);
  });

  it('reads labels, emojis, people, times and detoxify scores of a Hugging Face row', () => {
    const tree = 'a0000000-0000-4000-8000-000000000001';
    const row = (id: string, parent: string | null, role: string, extra: Json = {}): Json => ({
      message_id: id,
      parent_id: parent,
      user_id: `user-${id}`,
      created_date: '2023-02-05T14:23:50.983374+00:00',
      text: `text of ${id}`,
      role,
      lang: 'de',
      review_count: 3,
      review_result: true,
      deleted: false,
      rank: null,
      synthetic: false,
      model_name: null,
      detoxify: { toxicity: 0.0012, insult: 0.0003 },
      message_tree_id: tree,
      tree_state: 'ready_for_export',
      emojis: null,
      labels: null,
      ...extra,
    });
    const records = [
      row('b', tree, 'assistant', { rank: 1, emojis: { name: ['-1', '_skip_labeling'], count: [2, 1] } }),
      row(tree, null, 'prompter', { labels: { name: ['spam', 'quality', 'lang_mismatch'], value: [0, 0.75, null], count: [3, 4, 1] } }),
      row('c', tree, 'assistant', { rank: 0, emojis: { name: ['+1', 'red_flag'], count: [5, 1] } }),
    ];
    const results = importAll(records);
    expect(results).toHaveLength(1);
    const [c] = conversations(results);
    expect(c).toMatchObject({ id: `oasst:${tree}`, language: 'de', created_at: '2023-02-05T14:23:50.983Z', author: `user-${tree}` });
    expect(c!.messages.map((m) => [m.id, m.author, m.created_at])).toEqual([
      [`oasst:${tree}`, `user-${tree}`, '2023-02-05T14:23:50.983Z'],
      ['oasst:b', 'user-b', '2023-02-05T14:23:50.983Z'],
      ['oasst:c', 'user-c', '2023-02-05T14:23:50.983Z'],
    ]);
    expect(c!.messages[0]!.source_meta).toEqual({
      oasst: { created_date: '2023-02-05T14:23:50.983374+00:00', lang: 'de', review_count: 3, review_result: true, deleted: false, synthetic: false, labels: { lang_mismatch: { value: null, count: 1 } }, detoxify: { toxicity: 0.0012, insult: 0.0003 } },
    });
    const fb = Object.fromEntries(c!.feedback.map((f) => [f.id, f]));
    expect(fb[`oasst:${tree}:label:spam`]).toMatchObject({ kind: 'rating', message_id: `oasst:${tree}`, question_id: 'spam', score: 0, scale_min: 0, scale_max: 1, count: 3 });
    expect(fb[`oasst:${tree}:label:quality`]).toMatchObject({ kind: 'rating', question_id: 'quality', score: 0.75, count: 4 });
    expect(fb['oasst:b:thumbs:down']).toMatchObject({ kind: 'thumbs', value: 'down', count: 2 });
    expect(fb['oasst:c:thumbs:up']).toMatchObject({ kind: 'thumbs', value: 'up', count: 5 });
    expect(fb['oasst:c:flag:red_flag']).toMatchObject({ kind: 'flag', reason: 'other', note: 'red_flag', count: 1 });
    expect(fb[`oasst:${tree}:ranking`]).toMatchObject({ kind: 'ranking', ranking: ['oasst:c', 'oasst:b'], created_at: '2023-02-05T14:23:50.983Z' });
    expect(c!.feedback).toHaveLength(6);

    // …and the view writes it in the native tree layout: times and scores as the rows had them, no user ids.
    const [exported] = exportRows([c!]);
    expect(exported).toStrictEqual({
      message_tree_id: tree,
      tree_state: 'ready_for_export',
      prompt: {
        message_id: tree,
        created_date: '2023-02-05T14:23:50.983374+00:00',
        text: `text of ${tree}`,
        role: 'prompter',
        lang: 'de',
        review_count: 3,
        review_result: true,
        deleted: false,
        synthetic: false,
        replies: [
          { message_id: 'b', parent_id: tree, created_date: '2023-02-05T14:23:50.983374+00:00', text: 'text of b', role: 'assistant', lang: 'de', review_count: 3, review_result: true, deleted: false, rank: 1, synthetic: false, emojis: { '-1': 2, _skip_labeling: 1 }, replies: [], detoxify: { toxicity: 0.0012, insult: 0.0003 } },
          { message_id: 'c', parent_id: tree, created_date: '2023-02-05T14:23:50.983374+00:00', text: 'text of c', role: 'assistant', lang: 'de', review_count: 3, review_result: true, deleted: false, rank: 0, synthetic: false, emojis: { '+1': 5, red_flag: 1 }, replies: [], detoxify: { toxicity: 0.0012, insult: 0.0003 } },
        ],
        labels: { lang_mismatch: { value: null, count: 1 }, spam: { value: 0, count: 3 }, quality: { value: 0.75, count: 4 } },
        detoxify: { toxicity: 0.0012, insult: 0.0003 },
      },
    });
  });

  it('keeps a tree_state other than ready_for_export, and reads the native label layout', () => {
    const [c] = conversations(
      importAll([{ message_tree_id: 't1', tree_state: 'growing', prompt: { message_id: 't1', text: 'q', role: 'prompter', labels: { humor: { value: 0.5, count: 2 } }, replies: [] } }]),
    );
    expect(c!.messages[0]!.source_meta).toEqual({ oasst: {}, tree_state: 'growing' });
    expect(c!.feedback).toMatchObject([{ id: 'oasst:t1:label:humor', kind: 'rating', question_id: 'humor', score: 0.5, count: 2 }]);
    expect(exportRows([c!])).toStrictEqual([{ message_tree_id: 't1', tree_state: 'growing', prompt: { message_id: 't1', text: 'q', role: 'prompter', replies: [], labels: { humor: { value: 0.5, count: 2 } } } }]);
  });
});

describe('oasst import: what is left out, and records that cannot be imported', () => {
  const q = (id: string, replies: Json[] = [], extra: Json = {}): Json => ({ message_id: id, text: `q ${id}`, role: 'prompter', lang: 'en', deleted: false, synthetic: false, ...extra, replies });
  const a = (id: string, replies: Json[] = [], extra: Json = {}): Json => ({ message_id: id, text: `a ${id}`, role: 'assistant', lang: 'en', deleted: false, synthetic: false, ...extra, replies });

  it('leaves out a deleted answer with what follows it, counts it, and keeps the ranks of its siblings as they were', () => {
    const root = { ...q('r', [a('a1', [], { rank: 0 }), a('a2', [q('q2', [a('a3')]), q('q3')], { rank: 1, deleted: true }), a('a4', [], { rank: 2 })]), parent_id: null };
    const result = importAll([root])[0]!;
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.skipped).toEqual(expect.arrayContaining([{ reason: 'deleted', messages: 1 }, { reason: 'below_skipped', messages: 3 }]));
    expect(result.skipped).toHaveLength(2);
    expect(result.conversation.messages.map((m) => m.id)).toEqual(['oasst:r', 'oasst:a1', 'oasst:a4']);
    expect(result.conversation.feedback).toMatchObject([{ kind: 'ranking', ranking: ['oasst:a1', 'oasst:a4'] }]);
    const [row] = exportRows([result.conversation]);
    expect(((row!.prompt as Json).replies as Json[]).map((r) => [r.message_id, r.rank])).toEqual([
      ['a1', 0],
      ['a4', 2],
    ]);
  });

  it('counts a synthetic message under its own reason even below a left-out one', () => {
    const [result] = importAll([q('r', [a('a1', [q('q2', [a('a3', [], { synthetic: true })])], { deleted: true }), a('a2')])]);
    expect(result).toMatchObject({ ok: true, skipped: expect.arrayContaining([{ reason: 'deleted', messages: 1 }, { reason: 'below_skipped', messages: 1 }, { reason: 'synthetic', messages: 1 }]) });
  });

  it('reports a tree that is synthetic from its root, with what it left out', () => {
    expect(importAll([q('r', [a('a1'), a('a2')], { synthetic: true })])).toEqual([
      { ok: false, position: 1, code: 'empty_record', message: 'every message of tree r is left out of the human pool (synthetic 1, below_skipped 2)', skipped: [{ reason: 'synthetic', messages: 1 }, { reason: 'below_skipped', messages: 2 }] },
    ]);
  });

  it('reports flat rows whose parent is not in the file, and imports the rest', () => {
    const rows = [
      { message_id: 'r', parent_id: null, text: 'q', role: 'prompter', message_tree_id: 'r' },
      { message_id: 'a', parent_id: 'r', text: 'a', role: 'assistant', message_tree_id: 'r' },
      { message_id: 'x', parent_id: 'gone', text: 'a', role: 'assistant', message_tree_id: 's' },
      { message_id: 'y', parent_id: 'lost', text: 'a', role: 'assistant' },
    ];
    const results = importAll(rows);
    expect(conversations(results).map((c) => c.id)).toEqual(['oasst:r']);
    expect(failures(results)).toEqual([
      { ok: false, position: 3, code: 'invalid_tree', message: 'a message names a parent that is not in the record (message oasst:x)' },
      { ok: false, position: 4, code: 'invalid_tree', message: 'a message names a parent that is not in the record (message oasst:y)' },
    ]);
  });

  it('reports parent ids that go round in a cycle', () => {
    const withTree = importAll([
      { message_id: 'p', parent_id: 'q', text: 'x', role: 'prompter', message_tree_id: 't' },
      { message_id: 'q', parent_id: 'p', text: 'y', role: 'assistant', message_tree_id: 't' },
    ]);
    expect(withTree).toMatchObject([{ ok: false, code: 'invalid_tree', message: expect.stringContaining('cycle') }]);
    const withoutTree = importAll([
      { message_id: 'c', parent_id: 'b', text: 'x', role: 'prompter' },
      { message_id: 'b', parent_id: 'a', text: 'x', role: 'assistant' },
      { message_id: 'a', parent_id: 'b', text: 'x', role: 'prompter' },
      { message_id: 'ok', parent_id: null, text: 'fine', role: 'prompter' },
    ]);
    expect(withoutTree).toMatchObject([
      { ok: false, code: 'invalid_tree', message: expect.stringContaining('cycle') },
      { ok: true, conversation: { id: 'oasst:ok' } },
    ]);
  });

  it('reports two messages under one id, and takes a row given twice as one', () => {
    expect(importAll([q('r', [a('d'), a('d')])])).toMatchObject([{ ok: false, code: 'invalid_tree', message: 'two messages share an id (message oasst:d)' }]);
    const root = { message_id: 'r', parent_id: null, text: 'q', role: 'prompter', message_tree_id: 'r' };
    const answer = { message_id: 'd', parent_id: 'r', text: 'a', role: 'assistant', message_tree_id: 'r' };
    expect(importAll([root, answer, { ...answer, text: 'another text' }])).toMatchObject([{ ok: false, code: 'invalid_tree', message: 'two messages share an id (message oasst:d)' }]);
    const twice = importAll([root, answer, root, { ...answer }]);
    expect(conversations(twice).map((c) => c.messages.length)).toEqual([2]);
    expect(failures(twice)).toEqual([]);
  });

  it('keeps unicode and emoji text as it is, and makes lone surrogates well-formed', () => {
    const text = 'Ελληνικά, 日本語, עברית, emoji 👩🏽‍💻🇵🇹 and combining é';
    const [c] = conversations(importAll([q('u', [a('v', [], { text: 'cut \ud83d' })], { text })]));
    expect(c!.messages.map((m) => m.content)).toEqual([text, 'cut \ufffd']);
    expect(((exportRows([c!])[0]!.prompt as Json).text as string)).toBe(text);
  });

  it('takes a 200,000-character message and refuses a longer one', () => {
    const long = 'ü'.repeat(200_000);
    const [ok] = importAll([q('long', [], { text: long })]);
    expect(ok).toMatchObject({ ok: true });
    if (ok!.ok) expect(ok!.conversation.messages[0]!.content).toHaveLength(200_000);
    expect(importAll([q('long', [a('too', [], { text: `${long}!` })])])).toMatchObject([{ ok: false, code: 'invalid_record', message: 'message too: text is longer than 200000 characters' }]);
  });

  it('gives nothing for an empty file', () => {
    expect(importAll([])).toEqual([]);
  });

  it('says what is wrong with a record that is not OpenAssistant data', () => {
    const messages = importAll([
      'a string',
      { conversations: [] },
      { prompt: 'not an object', message_tree_id: 't' },
      q('r', [a('a', [], { role: 'gpt-4' })]),
      q('r', [a('a', [], { text: 42 })]),
      q('r', [{ ...a('a'), parent_id: 'elsewhere' }]),
      q('r', [a('a', [], { rank: 'first' })]),
      q('r', [a('a', [], { deleted: 'yes' })]),
      q('r', [a('a', [], { created_date: 'someday' })]),
      q('has space'),
      q('r', [a('a', [], { emojis: ['+1'] })]),
      q('r', [a('a', [], { labels: { name: ['spam'], value: [] , count: [] } })]),
    ]).map((r) => (r.ok ? 'ok' : r.message));
    expect(messages).toEqual([
      'an OpenAssistant record must be an object',
      'not an OpenAssistant record: it has neither `prompt`, nor `replies`, nor a `message_id` string',
      'prompt must be a message object',
      'message a: role must be prompter or assistant, not "gpt-4"',
      'message a: text must be a string',
      'message a is a reply to r but names elsewhere as its parent',
      'message a: rank must be an integer',
      'message a: deleted must be true or false',
      'ok', // an unreadable time is kept as the source wrote it, without a time in the pool
      'message_tree_id "has space" cannot be an id (letters, digits, ".", "_", ":", "-"; at most 122 characters)',
      'message a: emojis must be an object',
      'message a: labels must have as many values as names',
    ]);
  });

  it('starts a tree with an answer only as an error of the tree', () => {
    expect(importAll([a('a')])).toMatchObject([{ ok: false, code: 'invalid_tree', message: 'an assistant turn does not answer a user turn (message oasst:a)' }]);
  });

  it('keeps counts the pool cannot hold (a zero, a label without a value) in source_meta, and a lone rank', () => {
    const [c] = conversations(importAll([q('r', [a('a', [], { rank: 0, emojis: { '+1': 0, '-1': 1 }, labels: { spam: { value: 0.2, count: 0 } } })])]));
    expect(c!.messages[1]!.source_meta).toEqual({ oasst: { lang: 'en', deleted: false, synthetic: false, emojis: { '+1': 0 }, labels: { spam: { value: 0.2, count: 0 } }, rank: 0 }, reply_index: 0 });
    expect(c!.feedback.map((f) => f.id)).toEqual(['oasst:a:thumbs:down']);
    const reply = ((exportRows([c!])[0]!.prompt as Json).replies as Json[])[0]!;
    expect(reply).toMatchObject({ rank: 0, emojis: { '+1': 0, '-1': 1 }, labels: { spam: { value: 0.2, count: 0 } } });
  });
});

describe('oasst view of conversations held in the pool', () => {
  const at = (s: number) => `2026-11-28T10:00:${String(s).padStart(2, '0')}.000Z`;
  const msg = (id: string, parent: string | null, role: 'system' | 'user' | 'assistant', s: number, extra: Partial<ExportMessage> = {}): ExportMessage => ({
    id,
    conversation_id: 'c1',
    parent_id: parent,
    role,
    content: `${role} ${id}`,
    model_id: role === 'assistant' ? 'model-1' : null,
    model_version_id: null,
    model_name: null,
    contributor_id: role === 'user' ? 'ada' : null,
    language: null,
    status: 'active',
    created_at: at(s),
    source_meta: null,
    ...extra,
  });
  let n = 0;
  const event = (fields: Record<string, unknown>): Feedback =>
    ({
      id: `f${++n}`,
      contributor_id: 'bea',
      conversation_id: 'c1',
      annotator_role: 'third_party',
      provenance: { type: 'human' },
      methodology_version: 'of-1',
      valence: null,
      licence: 'CC-BY-4.0',
      status: 'active',
      model_id: null,
      community_id: null,
      language: 'pt',
      created_at: at(50),
      updated_at: at(50),
      ...fields,
    }) as unknown as Feedback;
  const conversation = { id: 'c1', community_id: null, contributor_id: 'ada', title: null, language: 'pt', source: 'openfeedback', licence: null, status: 'active' as const, created_at: at(0), updated_at: at(0) };

  it('derives ranks, emojis, labels and review counts from the feedback', () => {
    const messages = [msg('q', null, 'user', 0), msg('a1', 'q', 'assistant', 1), msg('a2', 'q', 'assistant', 2, { model_id: null, model_name: 'llama' }), msg('a3', 'q', 'assistant', 3), msg('q2', 'a1', 'user', 4, { language: 'en' })];
    const feedback = [
      event({ kind: 'thumbs', message_id: 'a1', value: 'up' }),
      event({ kind: 'thumbs', message_id: 'a1', value: 'up', count: 3 }),
      event({ kind: 'thumbs', message_id: 'a2', value: 'down' }),
      event({ kind: 'flag', message_id: 'a2', reason: 'spam', note: null }),
      event({ kind: 'ranking', message_id: null, ranking: ['a2', 'a1', 'a3'] }),
      event({ kind: 'ranking', message_id: null, ranking: ['a1', 'a2'], contributor_id: 'cy' }),
      event({ kind: 'ranking', message_id: null, ranking: ['a1', 'a3'], contributor_id: 'di' }),
      event({ kind: 'ranking', message_id: null, ranking: ['q', 'a1'] }), // not siblings: says nothing of rank
      event({ kind: 'rating', message_id: 'a1', question_id: null, score: 4, scale_min: 1, scale_max: 5 }),
      event({ kind: 'rating', message_id: 'a1', question_id: 'helpfulness', score: 1, scale_min: 0, scale_max: 1, contributor_id: 'cy' }),
      event({ kind: 'rating', message_id: 'a1', question_id: 'helpfulness', score: 0.5, scale_min: 0, scale_max: 1, count: 3, contributor_id: 'ext:x' }),
      event({ kind: 'rating', message_id: null, question_id: null, score: 5, scale_min: 1, scale_max: 5 }),
      event({ kind: 'correction', message_id: 'a3', text: 'better' }),
    ];
    const rows = oasstView.rows({ conversation, messages, feedback }, { form: 'conversational' });
    expect(rows).toStrictEqual([
      {
        message_tree_id: 'c1',
        tree_state: 'ready_for_export',
        prompt: {
          message_id: 'q',
          created_date: at(0),
          text: 'user q',
          role: 'prompter',
          lang: 'pt',
          review_count: 0,
          review_result: true,
          deleted: false,
          synthetic: false,
          replies: [
            {
              message_id: 'a1',
              parent_id: 'q',
              created_date: at(1),
              text: 'assistant a1',
              role: 'assistant',
              lang: 'pt',
              review_count: 5, // bea, cy and the 3 people behind ext:x
              review_result: true,
              deleted: false,
              rank: 0, // mean Borda score (1/2 + 1 + 1) / 3, before a2 (1 + 0) / 2 and a3 0
              synthetic: true,
              model_name: 'model-1',
              emojis: { '+1': 4 },
              replies: [{ message_id: 'q2', parent_id: 'a1', created_date: at(4), text: 'user q2', role: 'prompter', lang: 'en', review_count: 0, review_result: true, deleted: false, synthetic: false, replies: [] }],
              labels: { quality: { value: 0.75, count: 1 }, helpfulness: { value: (1 + 0.5 * 3) / 4, count: 4 } },
            },
            { message_id: 'a2', parent_id: 'q', created_date: at(2), text: 'assistant a2', role: 'assistant', lang: 'pt', review_count: 0, review_result: true, deleted: false, rank: 1, synthetic: true, model_name: 'llama', emojis: { '-1': 1, red_flag: 1 }, replies: [] },
            { message_id: 'a3', parent_id: 'q', created_date: at(3), text: 'assistant a3', role: 'assistant', lang: 'pt', review_count: 0, review_result: true, deleted: false, rank: 2, synthetic: true, model_name: 'model-1', replies: [] },
          ],
        },
      },
    ]);
  });

  it('gives no row for a conversation that starts with a system prompt, and one per first prompt otherwise', () => {
    expect(oasstView.rows({ conversation, messages: [msg('s', null, 'system', 0), msg('q', 's', 'user', 1)], feedback: [] }, { form: 'conversational' })).toEqual([]);
    const two = oasstView.rows({ conversation, messages: [msg('q', null, 'user', 0), msg('p', null, 'user', 1)], feedback: [] }, { form: 'conversational' });
    expect(two.map((r) => r.message_tree_id)).toEqual(['q', 'p']);
  });

  it('adds answers given here to an imported tree, after the imported ones, and counts new thumbs in', () => {
    const untouched = expectedFrom(treeFile.map((t) => t.prompt)).untouched;
    const tree = treeFile.find((t) => untouched.includes(t.prompt.message_id) && (t.prompt.replies as Json[]).length >= 2)!;
    const [c] = conversations(importAll([tree]));
    const bundle = bundleOf(c!);
    const root = bundle.messages[0]!;
    const first = (tree.prompt.replies as Json[])[0]!;
    bundle.messages.push({ ...msg('mine', root.id, 'assistant', 0), conversation_id: c!.id });
    bundle.feedback.push(event({ kind: 'thumbs', message_id: `oasst:${first.message_id}`, value: 'up', conversation_id: c!.id }));
    const [row] = oasstView.rows(bundle, { form: 'conversational' });
    const replies = (row!.prompt as Json).replies as Json[];
    expect(replies.map((r) => r.message_id)).toEqual([...(tree.prompt.replies as Json[]).map((r) => r.message_id), 'mine']);
    expect(replies.at(-1)).toMatchObject({ parent_id: tree.prompt.message_id, synthetic: true, model_name: 'model-1' });
    expect(replies[0]!.emojis['+1']).toBe((first.emojis?.['+1'] ?? 0) + 1);
  });
});
