// @vitest-environment jsdom
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import Markdown from '../src/components/markdown';

const render = (text: string, offsets = false) => {
  const div = document.createElement('div');
  div.innerHTML = renderToStaticMarkup(createElement(Markdown, { text, offsets }));
  return div;
};

const ATTACKS = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 2">',
  '<svg onload="window.__pwned = 3"><circle /></svg>',
  '<iframe src="javascript:window.__pwned = 4"></iframe>',
  '<a href="javascript:window.__pwned = 5">raw link</a>',
  '[md link](javascript:window.__pwned=6) [upper](JAVASCRIPT:alert(1)) [spaced]( javascript:alert(1))',
  '[ref][1]\n\n[1]: javascript:alert(1)',
  '<javascript:alert(1)>',
  '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![tracker](https://evil.example/pixel.png) ![js](javascript:alert(1))',
  '<div style="background:url(javascript:alert(1))">styled</div>',
  '<form action="https://evil.example"><input name=x></form>',
  '[entity](&#106;avascript:alert(1))',
];

describe('rendering stored message text', () => {
  for (const attack of ATTACKS) {
    it(`executes and loads nothing: ${attack.slice(0, 50)}`, () => {
      for (const offsets of [false, true]) {
        const div = render(attack, offsets);
        expect(div.querySelectorAll('script, img, svg, iframe, object, embed, form, input, style, link, meta, base').length).toBe(0);
        for (const el of div.querySelectorAll('*')) {
          for (const attr of el.attributes) {
            expect(attr.name.startsWith('on'), `${el.tagName} ${attr.name}`).toBe(false);
            if (attr.name === 'href' || attr.name === 'src') expect(attr.value).toMatch(/^(https?:|mailto:)/i);
          }
        }
      }
    });
  }

  it('shows raw HTML as the text it is', () => {
    expect(render('<script>alert(1)</script>').textContent).toContain('<script>alert(1)</script>');
  });

  it('shows an image as its alt text and address, never loading it', () => {
    const div = render('![a cat](https://example.org/cat.png)');
    expect(div.querySelector('img')).toBeNull();
    expect(div.textContent).toContain('a cat');
    expect(div.textContent).toContain('https://example.org/cat.png');
  });

  it('renders ordinary Markdown: emphasis, lists, GFM tables, code blocks, safe links', () => {
    const div = render('**bold** and *it*\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```js\nconst x = "<b>";\n```\n\n[site](https://example.org "t") <mailto:a@example.org>');
    expect(div.querySelector('strong')?.textContent).toBe('bold');
    expect(div.querySelectorAll('li')).toHaveLength(2);
    expect(div.querySelectorAll('table td')).toHaveLength(2);
    expect(div.querySelector('pre > code')?.textContent).toBe('const x = "<b>";\n');
    const link = div.querySelector('a[href="https://example.org"]');
    expect(link?.getAttribute('rel')).toContain('noopener');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(div.querySelector('a[href="mailto:a@example.org"]')).not.toBeNull();
  });
});
