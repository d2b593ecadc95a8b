/** A part of a message's Markdown source: `start` inclusive, `end` exclusive, and its text. */
export interface SourceSpan {
  start: number;
  end: number;
  text: string;
}

/**
 * The current text selection inside `root` (a message rendered with rehypeSourceOffsets) as offsets
 * into `source`, or null when nothing in it is selected. A selection that starts or ends outside
 * the message is clipped to it.
 */
export function selectionSpan(root: HTMLElement, source: string, selection: Selection | null = root.ownerDocument.getSelection()): SourceSpan | null {
  if (selection === null || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!range.intersectsNode(root)) return null;
  const texts = mappedTexts(root);
  let start: number | null = null;
  let end: number | null = null;
  for (const { node, base } of texts) {
    if (!range.intersectsNode(node)) continue;
    const from = node === range.startContainer ? range.startOffset : 0;
    const to = node === range.endContainer ? range.endOffset : node.data.length;
    if (to <= from) continue;
    start ??= base + from;
    end = base + to;
  }
  if (start !== null && end !== null && end > start) return { start, end, text: source.slice(start, end) };
  // Nothing mapped (text the renderer rewrote): find the selected words in the source.
  const selected = selection.toString().trim();
  if (selected === '') return null;
  const at = source.indexOf(selected);
  return at === -1 ? null : { start: at, end: at + selected.length, text: selected };
}

function mappedTexts(root: HTMLElement): { node: Text; base: number }[] {
  const out: { node: Text; base: number }[] = [];
  for (const el of root.querySelectorAll<HTMLElement>('[data-o]')) {
    const node = el.firstChild;
    const base = Number(el.dataset.o);
    if (node !== null && node.nodeType === 3 && Number.isFinite(base)) out.push({ node: node as Text, base });
  }
  return out;
}
