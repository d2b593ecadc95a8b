/**
 * A rehype plugin that lets a text selection in a rendered message be turned back into character
 * offsets of its Markdown source (a critique's `span`): every text node is wrapped in
 * `<span data-o="N">`, N being where that text starts in the source. Text the renderer changed
 * (entities, escapes) is found by searching within its element's source range; text that cannot be
 * placed is left unwrapped, and the selection falls back to its neighbours.
 */
interface Position {
  start?: { offset?: number | undefined };
  end?: { offset?: number | undefined };
}
interface HastNode {
  type: string;
  value?: string;
  tagName?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
  position?: Position | undefined;
}

const rangeOf = (node: HastNode): [number, number] | null => {
  const s = node.position?.start?.offset;
  const e = node.position?.end?.offset;
  return s === undefined || e === undefined ? null : [s, e];
};

export function rehypeSourceOffsets() {
  return (tree: HastNode, file: { value?: unknown }) => {
    const source = typeof file.value === 'string' ? file.value : String(file.value ?? '');
    let cursor = 0;
    const locate = (node: HastNode, within: [number, number] | null): number | null => {
      const value = node.value ?? '';
      const own = rangeOf(node);
      if (own !== null && source.slice(own[0], own[1]) === value) return own[0];
      const from = Math.max(cursor, within?.[0] ?? 0);
      const at = source.indexOf(value, from);
      if (at === -1 || (within !== null && at + value.length > within[1])) return null;
      return at;
    };
    const visit = (parent: HastNode, within: [number, number] | null) => {
      if (parent.children === undefined) return;
      parent.children = parent.children.map((child) => {
        // react-markdown shows raw HTML as text; do it here so that it is placed like any text.
        if (child.type === 'raw') child = { type: 'text', value: child.value ?? '', position: child.position };
        if (child.type === 'text') {
          const value = child.value ?? '';
          if (value.trim() === '') return child; // whitespace between blocks (and inside tables) stays bare
          const start = locate(child, within);
          if (start === null) return child;
          cursor = start + value.length;
          return { type: 'element', tagName: 'span', properties: { dataO: start }, children: [child] };
        }
        if (child.children !== undefined) visit(child, rangeOf(child) ?? within);
        return child;
      });
    };
    visit(tree, null);
  };
}
