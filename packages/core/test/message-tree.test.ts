import { describe, expect, it } from 'vitest';
import { orderTree, pathTo, placementError, siblingsOf, type TreeNode } from '../src/index.js';

const user = (id: string, parent_id: string | null = null): TreeNode => ({ id, parent_id, role: 'user' });
const bot = (id: string, parent_id: string | null): TreeNode => ({ id, parent_id, role: 'assistant' });
const sys = (id: string, parent_id: string | null = null): TreeNode => ({ id, parent_id, role: 'system' });

/** Asserts the order puts every parent that is in the set before its children, and keeps every node once. */
function expectParentsFirst(input: readonly TreeNode[], ordered: readonly TreeNode[]) {
  expect(ordered).toHaveLength(input.length);
  expect(new Set(ordered.map((n) => n.id))).toEqual(new Set(input.map((n) => n.id)));
  const position = new Map(ordered.map((n, i) => [n.id, i]));
  for (const n of ordered) {
    if (n.parent_id !== null && position.has(n.parent_id)) expect(position.get(n.parent_id)!).toBeLessThan(position.get(n.id)!);
  }
}

/** `user, assistant, user, assistant, …` each answering the one before: a chain of `length` messages. */
function chain(length: number): TreeNode[] {
  return Array.from({ length }, (_, i) => (i % 2 === 0 ? user(`m${i}`, i === 0 ? null : `m${i - 1}`) : bot(`m${i}`, `m${i - 1}`)));
}

describe('orderTree', () => {
  it('accepts a conversation given in order and keeps that order', () => {
    const nodes = [sys('s'), user('q', 's'), bot('a', 'q'), user('q2', 'a'), bot('a2', 'q2')];
    const result = orderTree(nodes);
    expect(result).toEqual({ ok: true, ordered: nodes });
  });

  it('puts parents before children whatever order the import lists them in', () => {
    // A branched tree: two answers to q, a follow-up under each, listed children-first and shuffled.
    const nodes = [bot('a2b', 'q2b'), user('q2b', 'a1'), bot('a1', 'q'), user('q2a', 'a0'), bot('a0', 'q'), bot('a2a', 'q2a'), user('q')];
    const result = orderTree(nodes);
    if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result)}`);
    expectParentsFirst(nodes, result.ordered);
    expect(result.ordered[0]!.id).toBe('q');
  });

  it('returns the very objects it was given, with their extra fields', () => {
    const nodes = [{ ...bot('a', 'q'), content: 'Lisbon' }, { ...user('q'), content: 'Capital of Portugal?' }];
    const result = orderTree(nodes);
    if (!result.ok) throw new Error('expected ok');
    expect(result.ordered.map((n) => n.content)).toEqual(['Capital of Portugal?', 'Lisbon']);
    expect(result.ordered[1]).toBe(nodes[0]);
  });

  it('accepts an empty set', () => {
    expect(orderTree([])).toEqual({ ok: true, ordered: [] });
  });

  it('accepts several roots (separate threads in one import)', () => {
    const nodes = [bot('a1', 'q1'), user('q1'), user('q2'), bot('a2', 'q2')];
    const result = orderTree(nodes);
    if (!result.ok) throw new Error('expected ok');
    expectParentsFirst(nodes, result.ordered);
  });

  it('names the message whose parent is missing', () => {
    expect(orderTree([user('q'), bot('a', 'q'), user('q2', 'ghost')])).toEqual({ ok: false, id: 'q2', error: 'parent_not_found' });
    // Also when the orphan is deep in a chain that is listed leaf first.
    expect(orderTree([bot('a', 'q'), user('q', 'ghost')])).toEqual({ ok: false, id: 'q', error: 'parent_not_found' });
  });

  it('finds parents among the messages already stored', () => {
    const existing = new Map<string, TreeNode>([
      ['q', user('q')],
      ['a', bot('a', 'q')],
    ]);
    const result = orderTree([bot('a-regen', 'q'), user('follow-up', 'a')], existing);
    expect(result.ok).toBe(true);
    // The stored parent's role counts for turn-taking.
    expect(orderTree([user('q-again', 'q')], existing)).toEqual({ ok: false, id: 'q-again', error: 'user_cannot_follow_user' });
    expect(orderTree([bot('a-of-a', 'a')], existing)).toEqual({ ok: false, id: 'a-of-a', error: 'assistant_needs_user_parent' });
  });

  it('refuses a self-cycle', () => {
    expect(orderTree([user('loop', 'loop')])).toEqual({ ok: false, id: 'loop', error: 'cycle' });
  });

  it('refuses a two-message cycle', () => {
    const result = orderTree([user('x', 'y'), bot('y', 'x')]);
    expect(result).toMatchObject({ ok: false, error: 'cycle' });
  });

  it('refuses a long cycle, and a cycle hanging below a valid tree', () => {
    const ring = chain(1000);
    ring[0] = user('m0', 'm999'); // close the ring: m0 → m999 → … → m1 → m0
    const result = orderTree(ring);
    expect(result).toMatchObject({ ok: false, error: 'cycle' });
    if (!result.ok) expect(ring.map((n) => n.id)).toContain(result.id);

    // A valid thread plus a separate ring: the valid part does not hide the ring.
    const withTail = [user('q'), bot('a', 'q'), user('r1', 'r3'), bot('r2', 'r1'), user('r3', 'r2'), bot('tail', 'r3')];
    expect(orderTree(withTail)).toMatchObject({ ok: false, error: 'cycle' });
  });

  it('refuses a duplicate id in the set, and an id that is already stored', () => {
    expect(orderTree([user('q'), bot('a', 'q'), bot('a', 'q')])).toEqual({ ok: false, id: 'a', error: 'duplicate_id' });
    expect(orderTree([user('q')], new Map([['q', user('q')]]))).toEqual({ ok: false, id: 'q', error: 'duplicate_id' });
  });

  it('enforces turn-taking', () => {
    expect(orderTree([bot('a', null)])).toEqual({ ok: false, id: 'a', error: 'assistant_needs_user_parent' });
    expect(orderTree([user('q'), bot('a', 'q'), bot('a2', 'a')])).toEqual({ ok: false, id: 'a2', error: 'assistant_needs_user_parent' });
    expect(orderTree([sys('s'), bot('a', 's')])).toEqual({ ok: false, id: 'a', error: 'assistant_needs_user_parent' });
    expect(orderTree([user('q'), user('q2', 'q')])).toEqual({ ok: false, id: 'q2', error: 'user_cannot_follow_user' });
    expect(orderTree([user('q'), sys('s', 'q')])).toEqual({ ok: false, id: 's', error: 'system_must_be_root' });
    expect(orderTree([sys('s'), sys('s2', 's')])).toEqual({ ok: false, id: 's2', error: 'system_must_be_root' });
    // What is allowed: a user turn at the root, after a system prompt and after an answer.
    expect(orderTree([user('q')]).ok).toBe(true);
    expect(orderTree([sys('s'), user('q', 's')]).ok).toBe(true);
    expect(orderTree([user('q'), bot('a', 'q'), user('q2', 'a')]).ok).toBe(true);
  });

  it('orders a 10,000-deep chain without overflowing the stack, listed either way round', () => {
    const nodes = chain(10_000);
    const forward = orderTree(nodes);
    if (!forward.ok) throw new Error(`expected ok, got ${JSON.stringify(forward)}`);
    expect(forward.ordered.map((n) => n.id)).toEqual(nodes.map((n) => n.id));

    const backward = orderTree([...nodes].reverse());
    if (!backward.ok) throw new Error(`expected ok, got ${JSON.stringify(backward)}`);
    expect(backward.ordered.map((n) => n.id)).toEqual(nodes.map((n) => n.id));
  });

  it('finds a turn-taking error at the bottom of a 10,000-deep chain', () => {
    const nodes = chain(10_000);
    nodes.push(user('bad', 'm9998')); // m9998 is a user turn
    expect(orderTree([...nodes].reverse())).toEqual({ ok: false, id: 'bad', error: 'user_cannot_follow_user' });
  });
});

describe('placementError', () => {
  it('says why a message cannot go under its parent', () => {
    expect(placementError(bot('a', 'q'), user('q'))).toBeNull();
    expect(placementError(bot('a', 'q'), undefined)).toBe('parent_not_found');
    expect(placementError(user('q2', 'a'), bot('a', 'q'))).toBeNull();
    expect(placementError(user('q2', 'q'), user('q'))).toBe('user_cannot_follow_user');
    expect(placementError(sys('s'), undefined)).toBeNull();
  });
});

describe('pathTo', () => {
  // q ─┬─ a1 ── q2 ── a3
  //    └─ a2
  const tree = [user('q'), bot('a1', 'q'), bot('a2', 'q'), user('q2', 'a1'), bot('a3', 'q2')];

  it('walks from the root to the leaf on that branch only', () => {
    expect(pathTo(tree, 'a3').map((n) => n.id)).toEqual(['q', 'a1', 'q2', 'a3']);
    expect(pathTo(tree, 'a2').map((n) => n.id)).toEqual(['q', 'a2']);
    expect(pathTo(tree, 'q').map((n) => n.id)).toEqual(['q']);
  });

  it('is empty for an unknown id', () => {
    expect(pathTo(tree, 'nope')).toEqual([]);
  });

  it('stops at a missing ancestor instead of failing', () => {
    expect(pathTo([bot('a', 'q'), user('q2', 'a')], 'q2').map((n) => n.id)).toEqual(['a', 'q2']);
  });

  it('terminates on a cycle, visiting each message once', () => {
    const path = pathTo([user('x', 'y'), bot('y', 'x')], 'x');
    expect(path.map((n) => n.id).sort()).toEqual(['x', 'y']);
    expect(pathTo([user('loop', 'loop')], 'loop').map((n) => n.id)).toEqual(['loop']);
  });

  it('handles a 10,000-deep chain', () => {
    const nodes = chain(10_000);
    const path = pathTo(nodes, 'm9999');
    expect(path).toHaveLength(10_000);
    expect(path[0]!.id).toBe('m0');
  });
});

describe('siblingsOf', () => {
  const tree = [user('q'), bot('a1', 'q'), bot('a2', 'q'), bot('a3', 'q'), user('q2', 'a1'), user('other-root')];

  it('lists the alternatives sharing the parent, not the message itself', () => {
    expect(siblingsOf(tree, 'a2').map((n) => n.id)).toEqual(['a1', 'a3']);
  });

  it('is empty for an only child and for an unknown id', () => {
    expect(siblingsOf(tree, 'q2')).toEqual([]);
    expect(siblingsOf(tree, 'nope')).toEqual([]);
  });

  it('treats roots as siblings of each other', () => {
    expect(siblingsOf(tree, 'q').map((n) => n.id)).toEqual(['other-root']);
  });
});
