import { describe, expect, it } from 'vitest';
import { choicesFor, siblingsAt, visiblePath } from '../src/lib/tree';

const at = (n: number) => `2026-11-28T10:00:0${n}.000Z`;
//        q1 ── a1
//          └── a2 ── q2
//   q1b (an edit of q1, a second root)
const nodes = [
  { id: 'q1', parent_id: null, created_at: at(0) },
  { id: 'a1', parent_id: 'q1', created_at: at(1) },
  { id: 'a2', parent_id: 'q1', created_at: at(2) },
  { id: 'q2', parent_id: 'a2', created_at: at(3) },
  { id: 'q1b', parent_id: null, created_at: at(4) },
];

describe('message tree helpers', () => {
  it('shows the newest alternative at each branching point unless another was chosen', () => {
    expect(visiblePath(nodes, {}).map((n) => n.id)).toEqual(['q1b']);
    expect(visiblePath(nodes, { '': 'q1' }).map((n) => n.id)).toEqual(['q1', 'a2', 'q2']);
    expect(visiblePath(nodes, { '': 'q1', q1: 'a1' }).map((n) => n.id)).toEqual(['q1', 'a1']);
  });

  it('ignores a choice that is not a child there', () => {
    expect(visiblePath(nodes, { '': 'q1', q1: 'q2' }).map((n) => n.id)).toEqual(['q1', 'a2', 'q2']);
  });

  it('chooses every ancestor of a node to put it on screen', () => {
    const choices = choicesFor(nodes, 'q2');
    expect(choices).toEqual({ '': 'q1', q1: 'a2', a2: 'q2' });
    expect(visiblePath(nodes, choices).at(-1)?.id).toBe('q2');
  });

  it('numbers alternatives oldest first', () => {
    expect(siblingsAt(nodes, nodes[2]!)).toMatchObject({ index: 1, list: [{ id: 'a1' }, { id: 'a2' }] });
    expect(siblingsAt(nodes, nodes[4]!).index).toBe(1);
  });
});
