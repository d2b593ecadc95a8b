import { MAX_MESSAGE_CHARS } from '../../primitives.js';
import { contentId } from '../content-id.js';
import { checkedConversation, invalidRecord, isRecord, poolRole } from '../import-helpers.js';
import type { ImportedConversation, ImportedFeedback, ImportedMessage, ImportFormat, ImportReader, ImportResult, SkippedPart } from '../imported.js';

/*
 * OpenAssistant, in the three layouts its data is published in, told apart record by record:
 *
 * - the native message-tree export: a root message per line, its answers nested in `replies`;
 * - the native tree export: `{message_tree_id, tree_state, prompt: {…, replies}}`;
 * - Hugging Face oasst1/oasst2 rows: one message per row, tied together by `parent_id` and
 *   `message_tree_id`, with emojis and labels as parallel lists (`{name[], count[]}`). A tree's
 *   rows may be anywhere in the file, so they are held and become conversations in `finish`.
 *
 * What the pool has columns for goes there (text, role, author, language, time, model); what OA
 * says about messages becomes feedback: the consensus `rank` of siblings one ranking per parent,
 * each label one rubric rating (0..1), "+1"/"-1" emojis thumbs and "red_flag" a flag, each standing
 * for `count` people. The rest of each record (review counts, deleted/synthetic, other emojis,
 * detoxify, …) is kept in `source_meta` so that the `oasst` export view reproduces the file:
 *
 *   source_meta = { oasst: {the record's remaining fields, nulls left out}, reply_index?, tree_state? }
 *
 * `reply_index` is the message's place among its parent's replies (the stored order of siblings is
 * by time, which native exports do not give); `tree_state` is kept on the root when it is not
 * `ready_for_export`, the state every OA export the pool has seen was in.
 *
 * Deleted and synthetic (model-written) messages, and everything below them, stay out of the human
 * pool and are counted in the report ('deleted', 'synthetic', and 'below_skipped' for messages
 * left out only because one above them was).
 */

export const OASST_DEFAULT_TREE_STATE = 'ready_for_export';

/** The fields of an OpenAssistant message the importer maps (and so the export view rebuilds). */
const MAPPED = new Set(['message_id', 'parent_id', 'user_id', 'text', 'role', 'model_name', 'rank', 'emojis', 'labels', 'replies', 'message_tree_id', 'tree_state']);
/** Emojis that are feedback in the pool; the others ("_skip_reply", …) are kept as they were. */
const EMOJI_FEEDBACK: Record<string, { kind: 'thumbs'; value: 'up' | 'down' } | { kind: 'flag' }> = {
  '+1': { kind: 'thumbs', value: 'up' },
  '-1': { kind: 'thumbs', value: 'down' },
  red_flag: { kind: 'flag' },
};

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const MAX_ID = 128;

/** A message as found in the source, before it is checked. */
interface RawNode {
  record: Record<string, unknown>;
  /** The source's parent id (for nested layouts: the message it is a reply to). */
  parent: string | null;
  /** Its place among its parent's replies. */
  index: number;
}

/** A message read from the source. */
interface Node {
  key: string;
  parent: string | null;
  index: number;
  message: ImportedMessage;
  rank: number | null;
  emojis: [string, unknown][];
  labels: [string, unknown][];
  /** Whether the source gave an emojis / labels object (OpenAssistant writes `{}` as well as leaving it out). */
  given: { emojis: boolean; labels: boolean };
  skip: 'deleted' | 'synthetic' | null;
}

export const oasstFormat: ImportFormat = {
  name: 'oasst',
  description:
    'OpenAssistant: native message trees (one tree per line, nested as a root message with `replies` or as `{message_tree_id, tree_state, prompt}`) and Hugging Face oasst1/oasst2 rows (one message per row)',
  defaultLicence: 'Apache-2.0',
  createReader: ({ source }) => new OasstReader(source),
};

class OasstReader implements ImportReader {
  /** Hugging Face rows held until `finish`, in file order. */
  private readonly rows: { record: Record<string, unknown>; key: string; position: number }[] = [];
  private readonly rowIndex = new Map<string, number>();

  constructor(private readonly source: string) {}

  read(record: unknown, position: number): ImportResult[] {
    if (!isRecord(record)) return [invalidRecord(position, 'an OpenAssistant record must be an object')];
    if (record.prompt !== undefined) {
      if (!isRecord(record.prompt)) return [invalidRecord(position, 'prompt must be a message object')];
      const treeId = record.message_tree_id ?? record.prompt.message_id;
      if (typeof treeId !== 'string' || treeId === '') return [invalidRecord(position, 'message_tree_id must be a string')];
      const nodes = flattenNested(record.prompt);
      if (typeof nodes === 'string') return [invalidRecord(position, nodes)];
      return [this.conversation(position, treeId, record.tree_state, nodes)];
    }
    if (Array.isArray(record.replies)) {
      const nodes = flattenNested(record);
      if (typeof nodes === 'string') return [invalidRecord(position, nodes)];
      const treeId = typeof record.message_tree_id === 'string' ? record.message_tree_id : record.message_id;
      if (typeof treeId !== 'string' || treeId === '') return [invalidRecord(position, 'message_id must be a string')];
      return [this.conversation(position, treeId, record.tree_state, nodes)];
    }
    const key = keyOf(record.message_id);
    if (key === undefined) {
      return [invalidRecord(position, 'not an OpenAssistant record: it has neither `prompt`, nor `replies`, nor a `message_id` string')];
    }
    const seen = this.rowIndex.get(key);
    if (seen !== undefined) {
      // The same file given twice, or a row repeated: harmless. Two different rows under one id are not.
      if (sameJson(this.rows[seen]!.record, record)) return [];
    } else this.rowIndex.set(key, this.rows.length);
    this.rows.push({ record, key, position });
    return [];
  }

  /** The held rows, grouped into trees (by `message_tree_id`, else by following parent ids to the root), in order of first appearance. */
  finish(): ImportResult[] {
    const byKey = new Map<string, (typeof this.rows)[number]>();
    for (const row of this.rows) if (!byKey.has(row.key)) byKey.set(row.key, row);
    const treeOf = new Map<string, string>();
    const resolve = (start: string): string => {
      const path: string[] = [];
      const onPath = new Set<string>();
      let tree: string | undefined;
      for (let key: string | undefined = start; tree === undefined; ) {
        const known = treeOf.get(key);
        if (known !== undefined) {
          tree = known;
          break;
        }
        if (onPath.has(key)) {
          // A cycle: name the tree after its least id, so every row of it lands in one group.
          tree = path.slice(path.indexOf(key)).sort()[0]!;
          break;
        }
        const row = byKey.get(key);
        if (row === undefined) {
          tree = key; // rows whose ancestor is missing: grouped under the missing id, and reported
          break;
        }
        path.push(key);
        onPath.add(key);
        const treeId = row.record.message_tree_id;
        if (typeof treeId === 'string' && treeId !== '') tree = treeId;
        else {
          const parent = keyOf(row.record.parent_id);
          if (parent === undefined) tree = key;
          else key = parent;
        }
      }
      for (const key of path) treeOf.set(key, tree);
      return tree;
    };
    const groups = new Map<string, (typeof this.rows)[number][]>();
    for (const row of this.rows) {
      const tree = resolve(row.key);
      const group = groups.get(tree);
      if (group === undefined) groups.set(tree, [row]);
      else group.push(row);
    }
    const results: ImportResult[] = [];
    for (const [treeId, rows] of groups) {
      const siblings = new Map<string | null, number>();
      const nodes: RawNode[] = rows.map(({ record }) => {
        const parent = keyOf(record.parent_id) ?? null;
        const index = siblings.get(parent) ?? 0;
        siblings.set(parent, index + 1);
        return { record, parent, index };
      });
      const root = rows.find((r) => r.record.parent_id === null || r.record.parent_id === undefined) ?? rows[0]!;
      results.push(this.conversation(root.position, treeId, root.record.tree_state, nodes));
    }
    this.rows.length = 0;
    this.rowIndex.clear();
    return results;
  }

  /** One tree's messages (the source's, deleted and synthetic ones included) made into a conversation with its feedback. */
  private conversation(position: number, treeId: string, treeState: unknown, raw: RawNode[]): ImportResult {
    const source = this.source;
    const conversationId = `${source}:${treeId}`;
    if (!usableId(conversationId)) return invalidRecord(position, `message_tree_id ${JSON.stringify(treeId)} cannot be an id (letters, digits, ".", "_", ":", "-"; at most ${MAX_ID - source.length - 1} characters)`);
    const nodes: Node[] = [];
    const seen = new Set<string>();
    for (const r of raw) {
      const node = readNode(source, r);
      if (typeof node === 'string') return invalidRecord(position, node);
      if (seen.has(node.key)) return { ok: false, position, code: 'invalid_tree', message: `two messages share an id (message ${node.message.id})` };
      seen.add(node.key);
      nodes.push(node);
    }

    // Leave out deleted and synthetic messages with everything below them.
    const children = new Map<string | null, Node[]>();
    for (const n of nodes) {
      const parent = n.parent !== null && seen.has(n.parent) ? n.parent : null;
      const list = children.get(parent);
      if (list === undefined) children.set(parent, [n]);
      else list.push(n);
    }
    const reason = new Map<string, string>();
    const stack = [...(children.get(null) ?? [])].map((n) => ({ n, above: false }));
    while (stack.length > 0) {
      const { n, above } = stack.pop()!;
      const why = n.skip ?? (above ? 'below_skipped' : null);
      if (why !== null) reason.set(n.key, why);
      for (const c of children.get(n.key) ?? []) stack.push({ n: c, above: why !== null });
    }
    const skippedCount = new Map<string, number>();
    for (const why of reason.values()) skippedCount.set(why, (skippedCount.get(why) ?? 0) + 1);
    const skipped: SkippedPart[] = [...skippedCount].map(([why, messages]) => ({ reason: why, messages }));
    const kept = nodes.filter((n) => !reason.has(n.key));
    if (kept.length === 0) {
      const parts = skipped.map((s) => `${s.reason} ${s.messages}`).join(', ');
      return { ok: false, position, code: 'empty_record', message: `every message of tree ${treeId} is left out of the human pool (${parts})`, skipped };
    }

    const root = kept.find((n) => n.parent === null) ?? kept[0]!;
    if (root.parent === null) {
      if (typeof treeState === 'string' && treeState !== OASST_DEFAULT_TREE_STATE) root.message.source_meta!.tree_state = treeState;
      // A rank on a first prompt ranks nothing the pool can hold: kept as it was.
      if (root.rank !== null) (root.message.source_meta!.oasst as Record<string, unknown>).rank = root.rank;
    }
    const feedback: ImportedFeedback[] = [];
    const keptChildren = new Map<string, Node[]>();
    for (const n of kept) {
      if (n.parent === null) continue;
      const list = keptChildren.get(n.parent);
      if (list === undefined) keptChildren.set(n.parent, [n]);
      else list.push(n);
    }
    for (const n of kept) {
      feedback.push(...messageFeedback(source, n));
      rankingOf(source, n, keptChildren.get(n.key) ?? [], feedback);
    }
    const conversation: ImportedConversation = {
      id: conversationId,
      title: null,
      language: root.message.language,
      created_at: root.message.created_at,
      author: root.message.author,
      messages: kept.map((n) => n.message),
      feedback,
    };
    return checkedConversation(position, conversation, skipped);
  }
}

/** The messages of a nested tree, parents first, each with the message it replies to. */
function flattenNested(root: Record<string, unknown>): RawNode[] | string {
  const out: RawNode[] = [];
  const rootParent = root.parent_id === undefined || root.parent_id === null ? null : keyOf(root.parent_id);
  if (rootParent === undefined) return 'parent_id must be a string or null';
  const stack: RawNode[] = [{ record: root, parent: rootParent, index: 0 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.push(node);
    const replies = node.record.replies ?? [];
    if (!Array.isArray(replies)) return `message ${String(node.record.message_id)}: replies must be a list`;
    const id = keyOf(node.record.message_id);
    if (id === undefined) return 'every message needs a message_id string';
    for (let i = replies.length - 1; i >= 0; i--) {
      const reply: unknown = replies[i];
      if (!isRecord(reply)) return `message ${id}: replies[${i}] must be a message object`;
      if (reply.parent_id !== undefined && reply.parent_id !== null && reply.parent_id !== id) {
        return `message ${String(reply.message_id)} is a reply to ${id} but names ${String(reply.parent_id)} as its parent`;
      }
      stack.push({ record: reply, parent: id, index: i });
    }
  }
  return out;
}

function readNode(source: string, { record, parent, index }: RawNode): Node | string {
  const key = keyOf(record.message_id);
  if (key === undefined) return 'every message needs a message_id string';
  const id = `${source}:${key}`;
  if (!usableId(id)) return `message_id ${JSON.stringify(key)} cannot be an id (letters, digits, ".", "_", ":", "-"; at most ${MAX_ID - source.length - 1} characters)`;
  if (parent !== null && !usableId(`${source}:${parent}`)) return `message ${key}: parent_id ${JSON.stringify(parent)} cannot be an id`;
  if (typeof record.text !== 'string') return `message ${key}: text must be a string`;
  if (record.text.length > MAX_MESSAGE_CHARS) return `message ${key}: text is longer than ${MAX_MESSAGE_CHARS} characters`;
  const role = record.role === 'prompter' ? 'user' : poolRole(record.role);
  if (role !== 'user' && role !== 'assistant') return `message ${key}: role must be prompter or assistant, not ${JSON.stringify(record.role)}`;
  for (const field of ['user_id', 'lang', 'model_name'] as const) {
    const v = record[field];
    if (v !== undefined && v !== null && typeof v !== 'string') return `message ${key}: ${field} must be a string`;
  }
  for (const field of ['deleted', 'synthetic', 'review_result'] as const) {
    const v = record[field];
    if (v !== undefined && v !== null && typeof v !== 'boolean') return `message ${key}: ${field} must be true or false`;
  }
  // Parquet files written from pandas may hold a missing rank as NaN.
  const rank = typeof record.rank === 'number' && Number.isNaN(record.rank) ? null : (record.rank ?? null);
  if (rank !== null && !Number.isInteger(rank)) return `message ${key}: rank must be an integer`;
  const emojis = entriesOf(record.emojis, 'count');
  if (typeof emojis === 'string') return `message ${key}: emojis ${emojis}`;
  const labels = entriesOf(record.labels, 'value');
  if (typeof labels === 'string') return `message ${key}: labels ${labels}`;
  const date = dateOf(record.created_date);
  if (date === undefined) return `message ${key}: created_date must be a date`;

  const kept: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record)) {
    if (value === null || value === undefined || MAPPED.has(field)) continue;
    kept[field] = field === 'created_date' ? date!.raw : value;
  }
  const meta: Record<string, unknown> = { oasst: kept };
  if (parent !== null) meta.reply_index = index;
  const message: ImportedMessage = {
    id,
    parent_id: parent === null ? null : `${source}:${parent}`,
    role,
    content: record.text.toWellFormed(),
    author: typeof record.user_id === 'string' ? record.user_id : null,
    model_name: typeof record.model_name === 'string' ? record.model_name : null,
    language: typeof record.lang === 'string' ? record.lang : null,
    created_at: date?.iso ?? null,
    source_meta: meta,
  };
  return {
    key,
    parent,
    index,
    message,
    rank: rank as number | null,
    emojis,
    labels,
    given: { emojis: isRecord(record.emojis), labels: isRecord(record.labels) },
    skip: record.deleted === true ? 'deleted' : record.synthetic === true ? 'synthetic' : null,
  };
}

/** Emojis and labels become feedback where the pool can hold them; what it cannot stays in `source_meta`. */
function messageFeedback(source: string, n: Node): ImportedFeedback[] {
  const out: ImportedFeedback[] = [];
  const m = n.message;
  const meta = m.source_meta!.oasst as Record<string, unknown>;
  const common = { author: null, annotator_role: 'third_party' as const, created_at: m.created_at };
  const otherEmojis: Record<string, unknown> = {};
  for (const [name, count] of n.emojis) {
    const as = EMOJI_FEEDBACK[name];
    if (as === undefined || !isCount(count)) {
      otherEmojis[name] = count;
      continue;
    }
    if (as.kind === 'thumbs') out.push({ ...common, id: feedbackId(source, m.id, `thumbs:${as.value}`), kind: 'thumbs', message_id: m.id, value: as.value, count });
    else out.push({ ...common, id: feedbackId(source, m.id, 'flag:red_flag'), kind: 'flag', message_id: m.id, reason: 'other', note: 'red_flag', count });
  }
  // Kept when some are left, or when the source gave an empty object (so that the export writes `{}` again).
  if (Object.keys(otherEmojis).length > 0 || (n.given.emojis && n.emojis.length === 0)) meta.emojis = otherEmojis;
  const otherLabels: Record<string, unknown> = {};
  for (const [name, label] of n.labels) {
    const { value, count } = isRecord(label) ? label : { value: undefined, count: undefined };
    const exact = isRecord(label) && Object.keys(label).every((k) => k === 'value' || k === 'count');
    if (!exact || typeof value !== 'number' || !(value >= 0 && value <= 1) || !isCount(count) || name === '' || name.length > 64) {
      otherLabels[name] = label;
      continue;
    }
    out.push({ ...common, id: feedbackId(source, m.id, `label:${name}`), kind: 'rating', message_id: m.id, question_id: name, score: value, scale_min: 0, scale_max: 1, count });
  }
  if (Object.keys(otherLabels).length > 0 || (n.given.labels && n.labels.length === 0)) meta.labels = otherLabels;
  return out;
}

/**
 * The consensus ranking of a message's answers (OA's `rank`, 0 best), as one ranking event. Ranks
 * that a ranking cannot give back as they were (a lone ranked answer; gaps left by deleted siblings;
 * ties) are also kept in `source_meta`.
 */
function rankingOf(source: string, parent: Node, kids: Node[], out: ImportedFeedback[]): void {
  const ranked = kids.filter((k) => k.rank !== null).sort((a, b) => a.rank! - b.rank! || a.index - b.index);
  if (ranked.length === 0) return;
  const exact = ranked.length >= 2 && ranked.every((k, i) => k.rank === i);
  if (!exact) for (const k of ranked) (k.message.source_meta!.oasst as Record<string, unknown>).rank = k.rank;
  if (ranked.length < 2) return;
  const times = ranked.map((k) => k.message.created_at).filter((t): t is string => t !== null);
  out.push({
    id: feedbackId(source, parent.message.id, 'ranking'),
    author: null,
    annotator_role: 'third_party',
    created_at: times.length === ranked.length ? times.sort().at(-1)! : null,
    kind: 'ranking',
    ranking: ranked.map((k) => k.message.id),
  });
}

/** `{name: count}` (native exports) or `{name: [..], <values>: [..]}` (Hugging Face rows) as entries. */
function entriesOf(value: unknown, values: 'count' | 'value'): [string, unknown][] | string {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) return 'must be an object';
  if (Array.isArray(value.name)) {
    const names = value.name;
    if (!names.every((n) => typeof n === 'string')) return 'names must be strings';
    const columns = values === 'count' ? ['count'] : ['value', 'count'];
    for (const c of columns) if (!Array.isArray(value[c]) || (value[c] as unknown[]).length !== names.length) return `must have as many ${c}s as names`;
    return names.map((name: string, i) => [name, values === 'count' ? (value.count as unknown[])[i] : { value: (value.value as unknown[])[i], count: (value.count as unknown[])[i] }]);
  }
  return Object.entries(value);
}

function dateOf(value: unknown): { raw: string; iso: string | null } | null | undefined {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : { raw: value.toISOString(), iso: value.toISOString() };
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return { raw: value, iso: Number.isNaN(time) ? null : new Date(time).toISOString() };
}

function keyOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function usableId(id: string): boolean {
  return id.length <= MAX_ID && ID.test(id);
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1;
}

/** Deterministic event ids (re-importing finds the same ones): `<message id>:<what>`, hashed when that is not an id. */
function feedbackId(source: string, messageId: string, what: string): string {
  const id = `${messageId}:${what}`;
  return usableId(id) ? id : `${source}:feedback:${contentId(id)}`;
}

function sameJson(a: unknown, b: unknown): boolean {
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}
