// @vitest-environment jsdom
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import Markdown from '../src/components/markdown';
import { selectionSpan } from '../src/lib/selection-span';

/** Renders `source`, selects the `nth` occurrence of `text` in the rendered page, returns the span. */
function spanOf(source: string, text: string, end?: string) {
  const root = document.createElement('div');
  root.innerHTML = renderToStaticMarkup(createElement(Markdown, { text: source, offsets: true }));
  document.body.replaceChildren(root);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) nodes.push(n as Text);
  const find = (needle: string) => {
    for (const n of nodes) {
      const i = n.data.indexOf(needle);
      if (i >= 0) return { node: n, i };
    }
    throw new Error(`"${needle}" is not on the page`);
  };
  const a = find(text);
  const b = end === undefined ? { node: a.node, i: a.i + text.length } : (({ node, i }) => ({ node, i: i + end.length }))(find(end));
  const range = document.createRange();
  range.setStart(a.node, a.i);
  range.setEnd(b.node, b.i);
  const selection = document.getSelection()!;
  selection.removeAllRanges();
  selection.addRange(range);
  return selectionSpan(root, source, selection);
}

describe('a selection in a rendered answer, as a span of its Markdown source', () => {
  it('maps plain words', () => {
    const source = 'The Tagus runs through Lisbon.';
    expect(spanOf(source, 'Tagus')).toEqual({ start: 4, end: 9, text: 'Tagus' });
  });

  it('maps words inside emphasis, links and list items to where they are in the source', () => {
    const source = 'Intro with **bold words** here.\n\n- first item\n- second [link text](https://example.org) end';
    const bold = spanOf(source, 'bold words')!;
    expect(source.slice(bold.start, bold.end)).toBe('bold words');
    const item = spanOf(source, 'second')!;
    expect(source.slice(item.start, item.end)).toBe('second');
    const link = spanOf(source, 'link text')!;
    expect(source.slice(link.start, link.end)).toBe('link text');
  });

  it('spans across formatting, from one text node to another', () => {
    const source = 'Start **middle** finish.';
    const span = spanOf(source, 'Start', 'finish')!;
    expect(span.start).toBe(0);
    expect(source.slice(span.start, span.end)).toBe('Start **middle** finish');
  });

  it('maps text inside a code block', () => {
    const source = 'Code:\n\n```js\nconst answer = 42;\n```\n';
    const span = spanOf(source, 'answer = 42')!;
    expect(source.slice(span.start, span.end)).toBe('answer = 42');
  });

  it('returns null when nothing is selected', () => {
    const root = document.createElement('div');
    document.getSelection()!.removeAllRanges();
    expect(selectionSpan(root, 'x')).toBeNull();
  });
});
