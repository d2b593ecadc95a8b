import type { Feedback } from '../../feedback.js';
import type { ColumnSpec, ExportMessage, ExportView } from '../export-view.js';
import { OASST_DEFAULT_TREE_STATE } from '../formats/oasst.js';
import { isRecord } from '../import-helpers.js';
import { MessageTree } from '../tree-paths.js';

const COLUMNS: ColumnSpec[] = [
  { name: 'message_tree_id', type: 'string', nullable: false, description: "the tree's id: OpenAssistant's own for imported trees, else the conversation id" },
  { name: 'tree_state', type: 'string', nullable: false, description: 'OpenAssistant tree state: the source\'s for imported trees, else ready_for_export' },
  {
    name: 'prompt',
    type: 'json',
    nullable: false,
    description:
      'the first prompt with its answers nested in `replies`: {message_id, parent_id?, created_date?, text, role (prompter | assistant), lang?, review_count?, review_result?, deleted?, rank?, synthetic?, model_name?, emojis?, replies, labels?} (a JSON document in Parquet)',
  },
];

/** Fields the view writes itself; anything else kept from an OpenAssistant record follows them as it was. */
const WRITTEN = new Set(['created_date', 'lang', 'review_count', 'review_result', 'deleted', 'rank', 'synthetic', 'emojis', 'labels']);

/**
 * Conversations as OpenAssistant message trees (`{message_tree_id, tree_state, prompt}`, as in its
 * native `*_tree.jsonl` exports), one row per conversation. Trees imported from OpenAssistant come
 * out as the source had them (its ids, review counts, flags and other emojis, from `source_meta`),
 * with ranks, "+1"/"-1"/"red_flag" counts and labels read back from the pool's feedback, so
 * feedback given here since is counted in. Conversations held here get the same fields from the
 * pool: rank from rankings of sibling answers, emojis from thumbs and flags, labels from ratings
 * (0..1; an overall rating is "quality"), `synthetic` true for model-written answers. A
 * conversation that does not start with a user turn (a system prompt) has no place in the layout
 * and gives no row; answers whose parent left the pool are left out with it.
 */
export const oasstView: ExportView = {
  name: 'oasst',
  description: 'message trees in the OpenAssistant export layout ({message_tree_id, tree_state, prompt: {…, replies}})',
  columns: () => COLUMNS,
  rows: (bundle) => {
    const { conversation, messages } = bundle;
    const tree = new MessageTree(messages);
    const roots = messages.filter((m) => m.parent_id === null && m.role === 'user');
    if (roots.length === 0) return [];
    const signals = feedbackSignals(bundle.feedback, tree);
    const prefix = `${conversation.source}:`;
    const exportId = (m: ExportMessage) => (oasstMeta(m) !== null && m.id.startsWith(prefix) ? m.id.slice(prefix.length) : m.id);

    // Parents before children, from the roots down (unreachable messages drop out here).
    const order: ExportMessage[] = [...roots];
    const kidsOf = new Map<string, ExportMessage[]>();
    for (let i = 0; i < order.length; i++) {
      const kids = [...(tree.children.get(order[i]!.id) ?? [])].filter((k) => k.role !== 'system').sort((a, b) => replyIndex(a) - replyIndex(b));
      kidsOf.set(order[i]!.id, kids);
      order.push(...kids);
    }
    // Children before parents, so that each node is written whole, keys in OpenAssistant's order.
    const nodes = new Map<string, Record<string, unknown>>();
    for (let i = order.length - 1; i >= 0; i--) {
      const m = order[i]!;
      const parent = m.parent_id === null ? undefined : tree.byId.get(m.parent_id);
      const replies = kidsOf.get(m.id)!.map((k) => nodes.get(k.id)!);
      nodes.set(m.id, nodeOf(m, parent === undefined ? null : exportId(parent), exportId(m), replies, signals, conversation.language));
    }
    return roots.map((root) => {
      const meta = root.source_meta;
      const imported = oasstMeta(root) !== null;
      return {
        message_tree_id: imported ? (conversation.id.startsWith(prefix) ? conversation.id.slice(prefix.length) : conversation.id) : roots.length === 1 ? conversation.id : root.id,
        tree_state: typeof meta?.tree_state === 'string' ? meta.tree_state : OASST_DEFAULT_TREE_STATE,
        prompt: nodes.get(root.id)!,
      };
    });
  },
};

/** The OpenAssistant record kept for a message imported from OpenAssistant; null for others. */
function oasstMeta(m: ExportMessage): Record<string, unknown> | null {
  const kept = m.source_meta?.oasst;
  return isRecord(kept) ? kept : null;
}

function replyIndex(m: ExportMessage): number {
  const index = m.source_meta?.reply_index;
  return typeof index === 'number' ? index : Number.POSITIVE_INFINITY;
}

function nodeOf(
  m: ExportMessage,
  parentId: string | null,
  id: string,
  replies: Record<string, unknown>[],
  signals: Signals,
  conversationLanguage: string | null,
): Record<string, unknown> {
  const oa = oasstMeta(m);
  const node: Record<string, unknown> = { message_id: id };
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) node[key] = value;
  };
  set('parent_id', parentId);
  set('created_date', oa !== null ? oa.created_date : m.created_at);
  node.text = m.content;
  node.role = m.role === 'user' ? 'prompter' : m.role;
  set('lang', oa !== null ? oa.lang : (m.language ?? conversationLanguage));
  set('review_count', oa !== null ? oa.review_count : (signals.reviewers.get(m.id) ?? 0));
  set('review_result', oa !== null ? oa.review_result : true);
  set('deleted', oa !== null ? oa.deleted : false);
  set('rank', oa?.rank ?? signals.ranks.get(m.id));
  set('synthetic', oa !== null ? oa.synthetic : m.role === 'assistant');
  set('model_name', m.model_name ?? (oa !== null ? null : m.model_id));
  const emojis: Record<string, unknown> = { ...signals.emojis.get(m.id) };
  if (isRecord(oa?.emojis)) Object.assign(emojis, oa.emojis);
  if (Object.keys(emojis).length > 0 || isRecord(oa?.emojis)) node.emojis = emojis;
  node.replies = replies;
  const labels: Record<string, unknown> = isRecord(oa?.labels) ? { ...oa.labels } : {};
  for (const [name, l] of signals.labels.get(m.id) ?? []) labels[name] = { value: l.values.length === 1 ? l.values[0]! : l.sum / l.count, count: l.count };
  if (Object.keys(labels).length > 0 || isRecord(oa?.labels)) node.labels = labels;
  if (oa !== null) for (const [key, value] of Object.entries(oa)) if (!WRITTEN.has(key)) set(key, value);
  return node;
}

interface Signals {
  ranks: Map<string, number>;
  emojis: Map<string, Record<string, number>>;
  labels: Map<string, Map<string, { values: number[]; sum: number; count: number }>>;
  /** How many people rated each message. */
  reviewers: Map<string, number>;
}

/** What the layout says about messages, read from the feedback on them. */
function feedbackSignals(feedback: readonly Feedback[], tree: MessageTree): Signals {
  const signals: Signals = { ranks: new Map(), emojis: new Map(), labels: new Map(), reviewers: new Map() };
  const bump = (messageId: string, emoji: string, n: number) => {
    let counts = signals.emojis.get(messageId);
    if (counts === undefined) signals.emojis.set(messageId, (counts = {}));
    counts[emoji] = (counts[emoji] ?? 0) + n;
  };
  const raters = new Map<string, Map<string, number>>();
  const rankings = new Map<string | null, string[][]>();
  for (const f of feedback) {
    switch (f.kind) {
      case 'thumbs':
        bump(f.message_id, f.value === 'up' ? '+1' : '-1', f.count ?? 1);
        break;
      case 'flag':
        if (f.message_id !== null) bump(f.message_id, 'red_flag', f.count ?? 1);
        break;
      case 'rating': {
        if (f.message_id === null) break;
        const weight = f.count ?? 1;
        const value = f.scale_max > f.scale_min ? (f.score - f.scale_min) / (f.scale_max - f.scale_min) : f.score;
        let byName = signals.labels.get(f.message_id);
        if (byName === undefined) signals.labels.set(f.message_id, (byName = new Map()));
        const name = f.question_id ?? 'quality';
        let label = byName.get(name);
        if (label === undefined) byName.set(name, (label = { values: [], sum: 0, count: 0 }));
        label.values.push(value);
        label.sum += value * weight;
        label.count += weight;
        let people = raters.get(f.message_id);
        if (people === undefined) raters.set(f.message_id, (people = new Map()));
        people.set(f.contributor_id, Math.max(people.get(f.contributor_id) ?? 0, weight));
        break;
      }
      case 'ranking': {
        // Only rankings of sibling answers say what OpenAssistant's rank says.
        const parents = new Set(f.ranking.map((id) => tree.byId.get(id)?.parent_id));
        const parent = [...parents][0];
        if (parents.size !== 1 || parent === undefined) break;
        const list = rankings.get(parent);
        if (list === undefined) rankings.set(parent, [f.ranking]);
        else list.push(f.ranking);
        break;
      }
      default:
        break;
    }
  }
  for (const [id, people] of raters) signals.reviewers.set(id, [...people.values()].reduce((a, b) => a + b, 0));
  for (const list of rankings.values()) {
    // One ranking is taken as it is; several are combined by their mean Borda score (1 best … 0 worst).
    const score = new Map<string, { sum: number; n: number; first: number }>();
    let seen = 0;
    for (const ranking of list) {
      ranking.forEach((id, i) => {
        const s = score.get(id) ?? { sum: 0, n: 0, first: seen++ };
        s.sum += ranking.length === 1 ? 1 : (ranking.length - 1 - i) / (ranking.length - 1);
        s.n += 1;
        score.set(id, s);
      });
    }
    const ordered = [...score].sort(([, a], [, b]) => b.sum / b.n - a.sum / a.n || a.first - b.first);
    ordered.forEach(([id], rank) => signals.ranks.set(id, rank));
  }
  return signals;
}
