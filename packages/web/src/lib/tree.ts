/** The part of a message the tree helpers need: conversations are trees linked by parent_id. */
export interface Node {
  id: string;
  parent_id: string | null;
  created_at: string;
}

/** Children keyed by parent id ('' for the roots), each list oldest first. */
export function childrenIndex<T extends Node>(nodes: readonly T[]): Map<string, T[]> {
  const index = new Map<string, T[]>();
  for (const n of nodes) {
    const key = n.parent_id ?? '';
    const list = index.get(key);
    if (list === undefined) index.set(key, [n]);
    else list.push(n);
  }
  for (const list of index.values()) list.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
  return index;
}

/**
 * The branch on screen: from the root down, at each branching point the chosen child
 * (`chosen[parentKey]`) or else the newest one.
 * @example visiblePath(messages, { q1: 'a2' }) // [q1, a2, …]
 */
export function visiblePath<T extends Node>(nodes: readonly T[], chosen: Readonly<Record<string, string>>): T[] {
  const index = childrenIndex(nodes);
  const path: T[] = [];
  const seen = new Set<string>();
  let key = '';
  for (;;) {
    const children = index.get(key);
    if (children === undefined || children.length === 0) break;
    const next = children.find((c) => c.id === chosen[key]) ?? children[children.length - 1]!;
    if (seen.has(next.id)) break;
    seen.add(next.id);
    path.push(next);
    key = next.id;
  }
  return path;
}

/** Choices that put `id` on the visible path (every ancestor chosen at its branching point). */
export function choicesFor<T extends Node>(nodes: readonly T[], id: string): Record<string, string> {
  const byId = new Map(nodes.map((n) => [n.id, n] as const));
  const choices: Record<string, string> = {};
  const seen = new Set<string>();
  for (let cur = byId.get(id); cur !== undefined && !seen.has(cur.id); cur = cur.parent_id === null ? undefined : byId.get(cur.parent_id)) {
    seen.add(cur.id);
    choices[cur.parent_id ?? ''] = cur.id;
  }
  return choices;
}

/** The node and its alternatives (same parent), oldest first, and its place among them. */
export function siblingsAt<T extends Node>(nodes: readonly T[], node: T): { list: T[]; index: number } {
  const list = childrenIndex(nodes).get(node.parent_id ?? '') ?? [node];
  return { list, index: Math.max(0, list.findIndex((n) => n.id === node.id)) };
}
