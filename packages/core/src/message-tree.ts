import type { MessageRole } from './conversation.js';

/** The part of a message the tree rules look at. */
export interface TreeNode {
  id: string;
  parent_id: string | null;
  role: MessageRole;
}

/** Why a message cannot go where it was put; `null` when it can. */
export type TreePlacementError =
  | 'parent_not_found'
  | 'assistant_needs_user_parent'
  | 'user_cannot_follow_user'
  | 'system_must_be_root';

/**
 * The turn-taking rule of a chat tree: a system prompt only at the root, an assistant answer
 * always answers a user turn, a user turn follows the root, a system prompt or an answer.
 * @example placementError({ id: 'b', parent_id: 'a', role: 'assistant' }, { id: 'a', parent_id: null, role: 'user' }) // null
 */
export function placementError(node: TreeNode, parent: TreeNode | undefined): TreePlacementError | null {
  if (node.parent_id !== null && parent === undefined) return 'parent_not_found';
  if (node.role === 'system') return parent === undefined ? null : 'system_must_be_root';
  if (node.role === 'assistant') return parent?.role === 'user' ? null : 'assistant_needs_user_parent';
  return parent?.role === 'user' ? 'user_cannot_follow_user' : null;
}

/**
 * Checks a whole set of messages (e.g. an import): every parent exists, no cycles, turn-taking holds.
 * Returns the ids in an order where each parent precedes its children, or the first problem found.
 * @example orderTree([{ id: 'q', parent_id: null, role: 'user' }, { id: 'a', parent_id: 'q', role: 'assistant' }])
 */
export function orderTree<T extends TreeNode>(
  nodes: readonly T[],
  existing: ReadonlyMap<string, TreeNode> = new Map(),
): { ok: true; ordered: T[] } | { ok: false; id: string; error: TreePlacementError | 'cycle' | 'duplicate_id' } {
  const byId = new Map<string, T>();
  for (const n of nodes) {
    if (byId.has(n.id) || existing.has(n.id)) return { ok: false, id: n.id, error: 'duplicate_id' };
    byId.set(n.id, n);
  }
  const ordered: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  for (const start of nodes) {
    // Walk up to the first placed ancestor iteratively: trees from imports can be thousands deep.
    const chain: T[] = [];
    let cur: T | undefined = start;
    while (cur !== undefined && state.get(cur.id) !== 'done') {
      if (state.get(cur.id) === 'visiting') return { ok: false, id: cur.id, error: 'cycle' };
      state.set(cur.id, 'visiting');
      chain.push(cur);
      cur = cur.parent_id === null ? undefined : byId.get(cur.parent_id);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const n = chain[i]!;
      const parent = n.parent_id === null ? undefined : (byId.get(n.parent_id) ?? existing.get(n.parent_id));
      const error = placementError(n, parent);
      if (error !== null) return { ok: false, id: n.id, error };
      state.set(n.id, 'done');
      ordered.push(n);
    }
  }
  return { ok: true, ordered };
}

/**
 * The messages from the root down to `leafId`: the conversation as the person saw it on that branch.
 * @example pathTo(messages, 'a2').map((m) => m.id) // ['q', 'a2']
 */
export function pathTo<T extends TreeNode>(nodes: readonly T[], leafId: string): T[] {
  const byId = new Map(nodes.map((n) => [n.id, n] as const));
  const path: T[] = [];
  const seen = new Set<string>();
  for (let cur = byId.get(leafId); cur !== undefined && !seen.has(cur.id); cur = cur.parent_id === null ? undefined : byId.get(cur.parent_id)) {
    seen.add(cur.id);
    path.push(cur);
  }
  return path.reverse();
}

/** Messages sharing a parent: regenerations, edits and arena pairs. */
export function siblingsOf<T extends TreeNode>(nodes: readonly T[], id: string): T[] {
  const node = nodes.find((n) => n.id === id);
  if (node === undefined) return [];
  return nodes.filter((n) => n.parent_id === node.parent_id && n.id !== id);
}
