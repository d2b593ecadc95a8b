import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser.js';
import { Api, personViaApi, screenshot } from './support/pool.js';
import { startServer, type RunningServer } from './support/server.js';

/**
 * Stored content is rendered safely. Conversations full of hostile text (raw HTML with scripts and
 * event handlers, javascript:/data:/vbscript: links in every Markdown spelling, remote images, meta
 * refresh, <base>, forms, styles, attribute-breaking quotes), a hostile title, a hostile correction
 * and critique, are stored through the API; then every page that shows them (the owner's chat, the
 * rate-the-pool queue as a third party, my data) is opened in Debian's chromium and nothing may
 * happen: no dialog, no request off the app's origin (a local "canary" server stands at every
 * address a payload names and records each hit), no element or attribute of the content's making in
 * the DOM, no link other than http(s)/mailto, nothing run by clicking the neutralised links. The
 * hostile text stays readable as text. Ordinary Markdown (headings, emphasis, lists, a table, links,
 * code, a fenced code block holding a <script>) still renders as Markdown.
 *
 * Everything runs twice: with the app's Content-Security-Policy as served, and with the CSP switched
 * off in the browser (bypassCSP), so that the renderer alone is shown safe (the CSP is the second
 * line, not the only one). Controls prove each detector can fire: a throw-away page that does run a
 * script, fetch the canary and carry a javascript: link trips every one of them.
 */

const DESKTOP = { width: 1280, height: 860 };
/** Time given to anything a payload could set off (a meta refresh, an image error, a late fetch). */
const SETTLE_MS = 600;

declare global {
  interface Window {
    __pwned?: unknown;
    __violations?: string[];
  }
}

// ---------------------------------------------------------------------------------------------
// The canary: a local HTTP server at every address a payload names. It answers with things that
// would run or show (a script that alerts, a stylesheet that hides the page) and records each hit.
// ---------------------------------------------------------------------------------------------

interface Canary {
  url: string;
  hits: { method: string; path: string }[];
  close(): Promise<void>;
}

const CONTROL_HTML = `<!doctype html><meta charset="utf-8"><title>control</title>
<div data-testid="answer-body"><p>A page that does what the stored content must not.</p>
<img src="/control-pixel.png" onerror="void 0">
<a id="control-link" href="javascript:void(window.__pwned='control-link')">run me</a>
<script>alert('control dialog')</script></div>`;

async function startCanary(): Promise<Canary> {
  const hits: Canary['hits'] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '';
    hits.push({ method: req.method ?? '', path });
    if (path.startsWith('/control.html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(CONTROL_HTML);
    } else if (path.endsWith('.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(`window.__pwned = 'canary script'; alert('canary script');`);
    } else if (path.endsWith('.css')) {
      res.writeHead(200, { 'content-type': 'text/css' }).end('body { display: none !important; }');
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<script>parent.__pwned = 'canary page'; alert('canary page');</script>`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    // By name, not as 127.0.0.1: a pool that scrubs IP addresses from stored text must not disarm the payloads.
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The hostile content (functions of the canary's address).
// ---------------------------------------------------------------------------------------------

/** Raw HTML: as HTML blocks (one per line, as an HTML block runs on to the next blank line), then inline in a paragraph. */
const rawHtmlLines = (c: string): string[] => [
  `<script>window.__pwned='script';alert(1)</script>`,
  `<script src="${c}/evil.js"></script>`,
  `<img src=x onerror="window.__pwned='img';alert(2)">`,
  `<img src="${c}/pixel.png">`,
  `<svg onload="window.__pwned='svg';alert(3)"><circle r="1"/></svg>`,
  `<iframe src="javascript:window.__pwned='iframe';alert(4)"></iframe>`,
  `<iframe srcdoc="<script>parent.__pwned='srcdoc';alert(5)</script>"></iframe>`,
  `<iframe src="${c}/frame.html"></iframe>`,
  `<a href="javascript:window.__pwned='raw-a';alert(6)">a raw anchor</a>`,
  `<form action="${c}/form" method="post"><input name="q" value="x"><button>Send</button></form>`,
  `<style>body{display:none} @import url(${c}/import.css);</style>`,
  `<link rel="stylesheet" href="${c}/link.css">`,
  `<meta http-equiv="refresh" content="0;url=${c}/refresh">`,
  `<base href="${c}/base/">`,
  `<object data="${c}/object.html"></object><embed src="${c}/embed.html">`,
  `<video poster="${c}/poster.png" src="${c}/video.mp4" autoplay></video><audio src="${c}/audio.mp3" autoplay></audio>`,
  `<input type="image" src="${c}/input.png"><input autofocus onfocus="window.__pwned='autofocus';alert(7)">`,
  `<details open ontoggle="window.__pwned='details';alert(8)"><summary>details</summary></details>`,
  `<div style="background:url(${c}/bg.png)">a styled div</div>`,
  `<p title="x" onmouseover="window.__pwned='quotes';alert(9)" ">attribute " breaking ' quotes</p>`,
  `"><img src=x onerror=alert(10)>'><svg/onload=alert(11)>`,
  `<math><mtext><table><mglyph><style><img src=x onerror=alert(12)></style></mglyph></table></mtext></math>`,
  `<!-- <script>alert(13)</script> -->`,
];
const INLINE_HTML = `Inline, mid-sentence: <img src=x onerror="window.__pwned='inline';alert(14)"> and <script>alert(15)</script> and <b onclick="alert(16)">bold?</b> end.`;
const rawHtml = (c: string) => ['Raw HTML, which must show as the text it is:', '', ...rawHtmlLines(c), '', INLINE_HTML].join('\n');

/** Markdown links and images in every hostile spelling; those that survive are ordinary links. */
const links = (c: string) =>
  [
    'Links, which must not become script:',
    '',
    `- [javascript link](javascript:window.__pwned='link';alert(17))`,
    `- [mixed case](JaVaScRiPt:void(window.__pwned='case'))`,
    `- [data URL](data:text/html;base64,PHNjcmlwdD5hbGVydCgxOCk8L3NjcmlwdD4=)`,
    `- [vbscript](vbscript:msgbox(19))`,
    `- <javascript:void(window.__pwned='autolink')>`,
    `- [reference link][evil]`,
    `- [decimal entity](&#106;avascript:void(window.__pwned='entity'))`,
    `- [named entity](javascript&colon;void(window.__pwned='colon'))`,
    `- [tab entity](jav&#x09;ascript:void(window.__pwned='tab'))`,
    `- [padded](<  javascript:void(window.__pwned='padded')>)`,
    `- [protocol-relative](//${c.slice('http://'.length)}/protocol-relative)`,
    `- [nested ![inner image](${c}/nested.png)](javascript:void(window.__pwned='nested'))`,
    `- [svg data](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDIwKSIvPg==)`,
    `- ![tracking pixel](${c}/track.png)`,
    `- ![reference image][pixel]`,
    `- [a titled link](https://example.org/titled "\\" onmouseover=\\"window.__pwned='title'")`,
    `- [an ordinary link to the canary](${c}/never-clicked)`,
    `- [write to us](mailto:?subject=Hello)`,
    `- www.example.org`,
    `- <a href="javascript:void(window.__pwned='inline-a')">inline raw anchor</a>`,
    '',
    `[evil]: javascript:void(window.__pwned='reference')`,
    `[pixel]: ${c}/ref.png`,
  ].join('\n');

/** The links the renderer must turn into plain text (their text, in order). */
const REMOVED_LINKS = [
  'javascript link',
  'mixed case',
  'data URL',
  'vbscript',
  "javascript:void(window.__pwned='autolink')",
  'reference link',
  'decimal entity',
  'named entity',
  'tab entity',
  'padded',
  'protocol-relative',
  'nested',
  'svg data',
];

const TITLED_LINK_TITLE = `" onmouseover="window.__pwned='title'`;

const HOSTILE_TITLE = `<img src=x onerror="window.__pwned='title';alert(21)"><script>alert(22)</script>`;
const LINKS_TITLE = `[title link](javascript:alert(23)) **not bold** <b>not bold either</b>`;
const MARKDOWN_TITLE = 'Rivers of Portugal';

const correction = (c: string) =>
  `A correction with <script>window.__pwned='correction';alert(24)</script> and <img src=x onerror="alert(25)">, a [javascript link](javascript:void(window.__pwned='correction-link')) and ![a pixel](${c}/correction.png).`;
const CRITIQUE = `<img src=x onerror="window.__pwned='critique';alert(26)"><script>alert(27)</script>`;

const MARKDOWN_QUESTION = 'Tell me about **rivers** in `Portugal` <b>please</b>';
const CODE = `const html = '<script>alert(1)</script>';\ndocument.body.innerHTML = html; // <img src=x onerror=alert(2)>`;
const MARKDOWN = [
  '# Rivers of Portugal',
  '',
  'The **Tagus** is the *longest* river, and `tagus` is its id.',
  '',
  '- Douro',
  '- Mondego',
  '- Guadiana',
  '',
  '1. first',
  '2. second',
  '',
  '> A quoted line.',
  '',
  'Read [OpenFeedback](https://example.org/docs) or write to [the team](mailto:?subject=Rivers).',
  '',
  '| River | Length |',
  '| --- | ---: |',
  '| Tagus | 1007 km |',
  '',
  '```ts',
  CODE,
  '```',
].join('\n');

// ---------------------------------------------------------------------------------------------
// The detectors.
// ---------------------------------------------------------------------------------------------

/** One person's browser context, with everything that must not happen recorded. */
class Watch {
  readonly dialogs: string[] = [];
  readonly requests: string[] = [];
  readonly pageErrors: string[] = [];

  private constructor(readonly context: BrowserContext) {}

  static async open(session: string | null, bypassCSP: boolean): Promise<Watch> {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', colorScheme: 'light', bypassCSP });
    const watch = new Watch(context);
    context.on('page', (p) => {
      p.on('dialog', (d) => {
        watch.dialogs.push(`${d.type()}: ${d.message()}`);
        void d.dismiss().catch(() => undefined);
      });
      p.on('pageerror', (e) => watch.pageErrors.push(e.message));
    });
    context.on('request', (r) => watch.requests.push(r.url()));
    // Every attempt the Content-Security-Policy stopped (it reports what it blocks, to the page).
    await context.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations!.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    if (session !== null) {
      const [name, ...value] = session.split('=');
      await context.addCookies([{ name: name!, value: value.join('='), url: server.url }]);
    }
    return watch;
  }

  async newPage(): Promise<Page> {
    const page = await this.context.newPage();
    page.setDefaultTimeout(10_000);
    return page;
  }

  /** Requests to anywhere but the app's own origin. */
  foreign(): string[] {
    return this.requests.filter((u) => !u.startsWith(`${server.url}/`));
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

interface ScanArgs {
  origin: string;
  /** Containers of rendered content: every element inside is checked against what Markdown makes. */
  roots: string[];
  /** Places that show stored text as text: they must hold no element at all. */
  textOnly: string[];
}

/**
 * Runs in the page: what of the content's making is in the DOM. Inside the rendered content only the
 * elements and attributes the Markdown renderer makes are allowed, links only to http(s)/mailto; in
 * the whole document no inline handler, no frame/object/base, no script but the app's bundle, no
 * fetchable address off the origin, no refresh, the page still visible, nothing set `__pwned`.
 */
function scanDom(args: ScanArgs): { scanned: number; elements: number; findings: string[] } {
  const TAGS = new Set(['p', 'span', 'a', 'strong', 'em', 'del', 'code', 'pre', 'ul', 'ol', 'li', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);
  // The attributes the renderer sets, and the values it gives them (a table column's alignment, the image placeholder's test id).
  const ATTRIBUTES: Record<string, (value: string, el: Element) => boolean> = {
    class: () => true,
    href: (_v, el) => el.tagName === 'A',
    target: (v) => v === '_blank',
    rel: () => true,
    title: (_v, el) => el.tagName === 'A',
    'data-o': (v) => /^\d+$/.test(v),
    start: (v) => /^\d+$/.test(v),
    style: (v, el) => (el.tagName === 'TH' || el.tagName === 'TD') && /^text-align: (left|right|center);?$/.test(v),
    'data-testid': (v, el) => v === 'md-image' && el.tagName === 'SPAN',
  };
  const PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
  const findings: string[] = [];
  const show = (el: Element) => el.outerHTML.slice(0, 140);
  let scanned = 0;
  let elements = 0;
  for (const selector of args.roots) {
    for (const root of Array.from(document.querySelectorAll(selector))) {
      scanned++;
      for (const el of Array.from(root.querySelectorAll('*'))) {
        // The <summary> of a <details> root is the app's own.
        if (el.closest('summary') !== null && root.contains(el.closest('summary'))) continue;
        elements++;
        const tag = el.tagName.toLowerCase();
        if (!TAGS.has(tag)) findings.push(`<${tag}> inside ${selector}: ${show(el)}`);
        for (const attr of Array.from(el.attributes)) {
          if (!Object.hasOwn(ATTRIBUTES, attr.name) || !ATTRIBUTES[attr.name]!(attr.value, el)) findings.push(`attribute ${attr.name} inside ${selector}: ${show(el)}`);
        }
        if (el instanceof HTMLAnchorElement && el.hasAttribute('href') && !PROTOCOLS.has(el.protocol)) findings.push(`link to ${el.protocol} inside ${selector}: ${show(el)}`);
      }
    }
  }
  for (const selector of args.textOnly) {
    for (const el of Array.from(document.querySelectorAll(selector))) {
      scanned++;
      if (el.children.length > 0) findings.push(`elements inside text-only ${selector}: ${show(el)}`);
    }
  }
  // The whole document (React never writes on* attributes: it listens at the root).
  for (const el of Array.from(document.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) if (/^on/i.test(attr.name)) findings.push(`handler ${attr.name}: ${show(el)}`);
    for (const name of ['src', 'srcset', 'poster', 'data', 'action', 'formaction', 'background', 'xlink:href']) {
      const value = el.getAttribute(name);
      if (value === null) continue;
      const url = new URL(value, document.baseURI);
      if (url.origin !== args.origin && url.protocol !== 'data:') findings.push(`${name} off the origin: ${show(el)}`);
    }
  }
  for (const s of Array.from(document.scripts)) if (!s.src.startsWith(`${args.origin}/assets/`)) findings.push(`script: ${show(s)}`);
  for (const el of Array.from(document.querySelectorAll('iframe, frame, frameset, object, embed, base, portal, form[action]'))) findings.push(`element: ${show(el)}`);
  for (const el of Array.from(document.querySelectorAll('link'))) if (!el.href.startsWith(`${args.origin}/`)) findings.push(`link element: ${show(el)}`);
  for (const m of Array.from(document.querySelectorAll('meta'))) {
    if (m.httpEquiv !== '' || !['', 'viewport', 'color-scheme', 'description'].includes(m.name)) findings.push(`meta: ${show(m)}`);
  }
  for (const s of Array.from(document.querySelectorAll('style'))) if (/display\s*:\s*none|@import|localhost|127\.0\.0\.1/.test(s.textContent ?? '')) findings.push(`style: ${show(s)}`);
  if (!document.baseURI.startsWith(`${args.origin}/`)) findings.push(`base URI: ${document.baseURI}`);
  if (getComputedStyle(document.body).display === 'none') findings.push('the page is hidden');
  if (window.__pwned !== undefined) findings.push(`window.__pwned = ${String(window.__pwned)}`);
  return { scanned, elements, findings };
}

/** The lines of a text that are not blank (an HTML block shows each of them, whole, as text). */
const linesOf = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

/** Where conversation content is rendered as Markdown or as text, on every page. */
const CONTENT = ['[data-testid="answer-body"]', '[data-testid="user-turn-body"]', '[data-testid="your-correction"]'];
const TEXT_ONLY = [
  '[data-testid="conversation-link"] .title',
  '[data-testid="my-conversation"] a',
  '[data-testid="my-feedback-item"] .item-text',
  '[data-testid="user-turn-body"] .plain',
];

/**
 * The page is settled and nothing ran: no dialog, no request off the origin, no canary hit, nothing
 * the CSP had to stop, no popup, no navigation, no injected DOM. Returns the scan (how much it saw).
 */
async function expectNothingHappened(watch: Watch, page: Page, url: string) {
  await page.waitForTimeout(SETTLE_MS);
  const scan = await page.evaluate(scanDom, { origin: server.url, roots: CONTENT, textOnly: TEXT_ONLY });
  expect(scan.findings).toEqual([]);
  expect(watch.dialogs).toEqual([]);
  expect(watch.foreign()).toEqual([]);
  expect(watch.requests.length).toBeGreaterThan(0); // the detector is listening: the app's own requests are there
  expect(canary.hits).toEqual([]);
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  expect(watch.context.pages()).toHaveLength(1);
  expect(page.url()).toBe(url);
  return scan;
}

/**
 * Clicks each hostile link by its text, whatever the renderer made of it (plain text, or a link if
 * it had let one through), and hovers the titled one: nothing may run, open or navigate.
 */
async function clickHostileLinks(page: Page, scope: string, texts: readonly string[]): Promise<void> {
  for (const text of texts) await page.locator(scope).getByText(text, { exact: true }).first().click();
  const titled = page.locator(scope).getByText('a titled link', { exact: true });
  if ((await titled.count()) > 0) await titled.first().hover();
}

// ---------------------------------------------------------------------------------------------

let server: RunningServer;
let canary: Canary;
let browser: Browser;
let communityId: string;
let owner: { api: Api; id: string };
const conv = { raw: '', links: '', markdown: '' };
/** Each message's content as the pool holds it (what the pages must show), by message id. */
const stored: Record<string, string> = {};
let storedCorrection: string;
let storedCritique: string;
const ids = { rawQuestion: 'raw-q', rawAnswer: 'raw-a', linksQuestion: 'links-q', linksAnswer: 'links-a', mdQuestion: 'md-q', mdAnswer: 'md-a' };

beforeAll(async () => {
  canary = await startCanary();
  server = await startServer();
  const admin = new Api(server.url, server.admin.apiKey);
  const community = await admin.ok<{ id: string }>('POST', '/v1/communities', { slug: 'safety', name: 'Safety', kind: 'domain', languages: ['en'], description: 'Hostile text, rendered safely.' });
  communityId = community.id;

  // Mallory stores hostile conversations through the API, oldest first (the queue serves them in that order).
  owner = await personViaApi(server.url, 'mallory');
  const c = canary.url;
  conv.raw = (
    await owner.api.ok<{ id: string }>('POST', '/v1/conversations', {
      community_id: communityId,
      title: HOSTILE_TITLE,
      messages: [
        { id: 'raw-system', role: 'system', content: `You are helpful. ${rawHtmlLines(c).slice(0, 4).join(' ')}` },
        { id: ids.rawQuestion, role: 'user', content: rawHtml(c) },
        { id: ids.rawAnswer, role: 'assistant', content: rawHtml(c) },
      ],
    })
  ).id;
  conv.links = (
    await owner.api.ok<{ id: string }>('POST', '/v1/conversations', {
      community_id: communityId,
      title: LINKS_TITLE,
      messages: [
        { id: ids.linksQuestion, role: 'user', content: links(c) },
        { id: ids.linksAnswer, role: 'assistant', content: links(c) },
      ],
    })
  ).id;
  conv.markdown = (
    await owner.api.ok<{ id: string }>('POST', '/v1/conversations', {
      community_id: communityId,
      title: MARKDOWN_TITLE,
      messages: [
        { id: ids.mdQuestion, role: 'user', content: MARKDOWN_QUESTION },
        { id: ids.mdAnswer, role: 'assistant', content: MARKDOWN },
      ],
    })
  ).id;
  // Her own feedback holds hostile text too: a correction (shown as Markdown in her chat) and a critique (a line in my data).
  storedCorrection = (await owner.api.ok<{ text: string }>('POST', '/v1/feedback', { kind: 'correction', conversation_id: conv.raw, message_id: ids.rawAnswer, text: correction(c) })).text;
  storedCritique = (await owner.api.ok<{ text: string }>('POST', '/v1/feedback', { kind: 'critique', conversation_id: conv.raw, message_id: ids.rawAnswer, text: CRITIQUE })).text;
  for (const id of Object.values(conv)) {
    const { messages } = await owner.api.ok<{ messages: { id: string; content: string }[] }>('GET', `/v1/conversations/${id}`);
    for (const m of messages) stored[m.id] = m.content;
  }
  // The pool kept the payloads armed (were they rewritten on the way in, this test would prove nothing).
  for (const id of [ids.rawQuestion, ids.rawAnswer]) {
    for (const needle of ['<script>', '<script src=', 'onerror=', 'onload=', '<iframe', '<meta http-equiv', '<base href', `${c}/evil.js`, `${c}/pixel.png`]) expect(stored[id]).toContain(needle);
  }
  for (const id of [ids.linksQuestion, ids.linksAnswer]) {
    for (const needle of ['](javascript:', '](JaVaScRiPt:', '](data:text/html', '<javascript:', '[evil]: javascript:', `](${c}/track.png)`]) expect(stored[id]).toContain(needle);
  }
  expect(stored[ids.mdAnswer]).toContain('<script>alert(1)</script>');
  expect(storedCorrection).toContain('<script>');
  expect(storedCritique).toContain('onerror=');
  browser = await launchChromium();
}, 60_000);

// No test leaves a canary hit behind (the controls clear their own): a late one fails the test it came in.
afterEach(() => {
  expect(canary.hits.splice(0)).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await canary?.close();
});

describe('stored hostile content, rendered in the browser', () => {
  it('the detectors detect: a throw-away page that runs a script, fetches the canary and carries a javascript: link trips each of them', async () => {
    const watch = await Watch.open(null, false);
    try {
      const page = await watch.newPage();
      await page.goto(`${canary.url}/control.html`);
      await expect.poll(() => canary.hits.some((h) => h.path === '/control-pixel.png')).toBe(true);
      await expect.poll(() => watch.dialogs).toEqual(['alert: control dialog']);
      expect(watch.foreign()).toEqual(expect.arrayContaining([`${canary.url}/control.html`, `${canary.url}/control-pixel.png`]));
      // The DOM scan sees an image, a handler, a javascript: link and a foreign script in an "answer".
      const before = await page.evaluate(scanDom, { origin: server.url, roots: CONTENT, textOnly: [] });
      expect(before.scanned).toBe(1);
      const joined = before.findings.join('\n');
      for (const expected of ['<img> inside', 'attribute onerror inside', 'link to javascript: inside', '<script> inside', 'handler onerror', 'src off the origin', 'script: <script>']) {
        expect(joined).toContain(expected);
      }
      // Clicking a javascript: link runs it (on a page without CSP), and the scan reports it.
      await page.locator('#control-link').click();
      await expect.poll(() => page.evaluate(() => window.__pwned)).toBe('control-link');
      expect((await page.evaluate(scanDom, { origin: server.url, roots: [], textOnly: [] })).findings).toContain('window.__pwned = control-link');
      await screenshot(page, 'safe-rendering-00-control');
    } finally {
      await watch.close();
      canary.hits.splice(0);
    }
  });

  for (const mode of [
    { name: 'with the CSP the app serves', bypassCSP: false, tag: 'csp' },
    { name: 'with the CSP switched off (the renderer alone)', bypassCSP: true, tag: 'nocsp' },
  ] as const) {
    describe(mode.name, () => {
      it(mode.bypassCSP ? 'control: without the CSP, an injected inline handler on an app page runs and the canary is reached' : 'control: the CSP is served, and what it blocks is reported to the page', async () => {
        const watch = await Watch.open(owner.api.cookie, mode.bypassCSP);
        try {
          const page = await watch.newPage();
          const response = await page.goto(`${server.url}/me`);
          const csp = response?.headers()['content-security-policy'] ?? '';
          expect(csp).toContain("script-src 'self'");
          expect(csp).toContain("img-src 'self' data:");
          await page.getByTestId('stat-conversations').waitFor();
          await page.evaluate((c) => {
            const div = document.createElement('div');
            div.innerHTML = `<img src="${c}/csp-control.png"><img src="x" onerror="window.__pwned='inline-control'">`;
            document.body.append(div);
          }, canary.url);
          // A dialog from the page's own realm is seen (evaluate is not subject to the CSP).
          await page.evaluate(() => setTimeout(() => alert('app-origin dialog'), 0));
          await expect.poll(() => watch.dialogs).toEqual(['alert: app-origin dialog']);
          if (mode.bypassCSP) {
            await expect.poll(() => canary.hits.map((h) => h.path)).toEqual(['/csp-control.png']);
            await expect.poll(() => page.evaluate(() => window.__pwned)).toBe('inline-control');
          } else {
            await expect.poll(() => page.evaluate(() => window.__violations?.length ?? 0)).toBeGreaterThanOrEqual(2);
            const violations = await page.evaluate(() => window.__violations!);
            expect(violations).toEqual(expect.arrayContaining([`img-src ${canary.url}/csp-control.png`, expect.stringMatching(/^script-src-attr inline/)]));
            expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
            await page.waitForTimeout(SETTLE_MS);
            expect(canary.hits).toEqual([]);
          }
          // Made or only attempted (stopped by the CSP), the request is seen.
          expect(watch.foreign()).toEqual([`${canary.url}/csp-control.png`]);
        } finally {
          await watch.close();
          canary.hits.splice(0);
        }
      });

      it("the owner's chat: the hostile conversations show their text as text, run nothing, fetch nothing", async () => {
        const watch = await Watch.open(owner.api.cookie, mode.bypassCSP);
        try {
          const page = await watch.newPage();
          const c = canary.url;

          // Raw HTML: a system prompt and a question shown as plain text, an answer whose HTML is text.
          let url = `${server.url}/chat/${conv.raw}`;
          await page.goto(url);
          const rawAnswer = page.locator(`[data-testid="answer"][data-message-id="${ids.rawAnswer}"][data-state="done"]`);
          await rawAnswer.waitFor();
          const fix = page.getByTestId('your-correction');
          await fix.locator('summary').click();
          await clickHostileLinks(page, '[data-testid="your-correction"]', ['javascript link']);
          const rawScan = await expectNothingHappened(watch, page, url);
          expect(rawScan.scanned).toBe(1 + 2 + 1 + 3 + 2); // an answer, 2 turns, the correction; 3 titles in the history; the 2 turns' text
          await screenshot(page, `safe-rendering-01-chat-raw-html-${mode.tag}`);

          const turns = page.getByTestId('user-turn-body');
          await expect.poll(() => turns.allTextContents()).toEqual([stored['raw-system'], stored[ids.rawQuestion]]);
          // Shown: the rendered text (innerText leaves out what CSS hides), whole, line by line.
          const answerText = await rawAnswer.getByTestId('answer-body').innerText();
          for (const line of linesOf(stored[ids.rawAnswer]!)) expect(answerText).toContain(line);
          // The correction (Markdown) and the title (in the history) are text too.
          expect(await fix.textContent()).toContain(`A correction with <script>window.__pwned='correction';alert(24)</script> and <img src=x onerror="alert(25)">, a javascript link and [a pixel: ${c}/correction.png].`);
          expect(await fix.locator('.md-link-removed').textContent()).toBe('javascript link');
          await expect.poll(() => page.locator(`[data-testid="conversation-link"][data-conversation-id="${conv.raw}"] .title`).textContent()).toBe(HOSTILE_TITLE);
          expect(await page.locator(`[data-testid="conversation-link"][data-conversation-id="${conv.links}"] .title`).textContent()).toBe(LINKS_TITLE);

          // Links: neutralised ones are plain text (clicking them does nothing), the rest are ordinary links.
          url = `${server.url}/chat/${conv.links}`;
          await page.goto(url);
          const linksAnswer = page.locator(`[data-testid="answer"][data-message-id="${ids.linksAnswer}"][data-state="done"]`);
          await linksAnswer.waitFor();
          await clickHostileLinks(page, '[data-testid="answer-body"]', REMOVED_LINKS);
          await expectNothingHappened(watch, page, url);
          await screenshot(page, `safe-rendering-02-chat-links-${mode.tag}`);

          expect(await page.getByTestId('user-turn-body').textContent()).toBe(stored[ids.linksQuestion]);
          const body = linksAnswer.getByTestId('answer-body');
          const removed = await body.locator('.md-link-removed').allTextContents();
          expect(removed.map((t) => t.replace(/ \[inner image: .*\]$/, ''))).toEqual(REMOVED_LINKS);
          expect(await body.getByTestId('md-image').allTextContents()).toEqual([`[inner image: ${c}/nested.png]`, `[tracking pixel: ${c}/track.png]`, `[reference image: ${c}/ref.png]`]);
          expect(await body.locator('img').count()).toBe(0);
          const anchors = await body.locator('a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent, target: a.getAttribute('target'), rel: a.getAttribute('rel'), title: a.getAttribute('title') })));
          const rel = 'noopener noreferrer nofollow ugc';
          expect(anchors).toEqual([
            { href: 'https://example.org/titled', text: 'a titled link', target: '_blank', rel, title: TITLED_LINK_TITLE },
            { href: `${c}/never-clicked`, text: 'an ordinary link to the canary', target: '_blank', rel, title: null },
            { href: 'mailto:?subject=Hello', text: 'write to us', target: '_blank', rel, title: null },
            { href: 'http://www.example.org', text: 'www.example.org', target: '_blank', rel, title: null },
          ]);
          expect(await body.textContent()).toContain(`<a href="javascript:void(window.__pwned='inline-a')">inline raw anchor</a>`);
        } finally {
          await watch.close();
        }
      });

      it("ordinary Markdown and code blocks still render in the owner's chat", async () => {
        const watch = await Watch.open(owner.api.cookie, mode.bypassCSP);
        try {
          const page = await watch.newPage();
          const url = `${server.url}/chat/${conv.markdown}`;
          await page.goto(url);
          const answer = page.locator(`[data-testid="answer"][data-message-id="${ids.mdAnswer}"][data-state="done"]`);
          await answer.waitFor();
          // The question is the plain text it was (user turns are not Markdown).
          const question = page.getByTestId('user-turn-body');
          expect(await question.textContent()).toBe(stored[ids.mdQuestion]);
          expect(await question.locator('strong, code, b').count()).toBe(0);

          const body = answer.getByTestId('answer-body');
          expect(await body.locator('h1').textContent()).toBe('Rivers of Portugal');
          expect(await body.locator('p strong').textContent()).toBe('Tagus');
          expect(await body.locator('p em').textContent()).toBe('longest');
          expect(await body.locator('p code').textContent()).toBe('tagus');
          expect(await body.locator('ul > li').allTextContents()).toEqual(['Douro', 'Mondego', 'Guadiana']);
          expect(await body.locator('ol > li').allTextContents()).toEqual(['first', 'second']);
          expect((await body.locator('blockquote').textContent())?.trim()).toBe('A quoted line.');
          const docs = body.locator('a', { hasText: 'OpenFeedback' });
          expect(await docs.getAttribute('href')).toBe('https://example.org/docs');
          expect(await docs.getAttribute('target')).toBe('_blank');
          expect(await docs.getAttribute('rel')).toBe('noopener noreferrer nofollow ugc');
          expect(await body.locator('a', { hasText: 'the team' }).getAttribute('href')).toBe('mailto:?subject=Rivers');
          expect(await body.locator('table th').allTextContents()).toEqual(['River', 'Length']);
          expect(await body.locator('table td').allTextContents()).toEqual(['Tagus', '1007 km']);
          // The fenced block: literal text inside <pre><code>, its <script> and <img> only characters.
          const code = body.locator('pre > code');
          expect(await code.count()).toBe(1);
          expect(await code.getAttribute('class')).toContain('language-ts');
          expect((await code.textContent())!.replace(/\n$/, '')).toBe(CODE);
          expect(await code.locator('*:not(span)').count()).toBe(0);
          expect(await page.locator('[data-testid="conversation-link"][aria-current="page"] .title').textContent()).toBe(MARKDOWN_TITLE);
          const scan = await expectNothingHappened(watch, page, url);
          expect(scan.elements).toBeGreaterThan(20);
          await screenshot(page, `safe-rendering-03-chat-markdown-${mode.tag}`);
        } finally {
          await watch.close();
        }
      });

      it('rate the pool: a third party is served each hostile conversation from the queue, and nothing runs', async () => {
        const rater = await personViaApi(server.url, `rater-${mode.tag}`);
        const watch = await Watch.open(rater.api.cookie, mode.bypassCSP);
        try {
          const page = await watch.newPage();
          await page.goto(server.url);
          await page.getByTestId('nav-rate').click();
          await page.waitForURL(/\/rate$/);
          const url = page.url();
          const served: string[] = [];
          for (;;) {
            const item = page.locator('[data-testid="queue-conversation"]:not([data-conversation-id="' + (served.at(-1) ?? '') + '"])');
            const empty = page.getByTestId('queue-empty');
            await item.or(empty).first().waitFor();
            if (await empty.isVisible()) break;
            const id = (await item.getAttribute('data-conversation-id'))!;
            served.push(id);
            await item.locator('[data-testid="answer"][data-state="done"]').first().waitFor();
            if (id === conv.links) await clickHostileLinks(page, '[data-testid="answer-body"]', REMOVED_LINKS);
            const scan = await expectNothingHappened(watch, page, url);
            expect(scan.scanned).toBeGreaterThanOrEqual(2);
            await screenshot(page, `safe-rendering-04-rate-${served.length}-${mode.tag}`, true);

            expect(await item.getByTestId('answer-body').count()).toBe(1);
            if (id === conv.raw) {
              expect(await item.getByTestId('user-turn-body').allTextContents()).toEqual([stored['raw-system'], stored[ids.rawQuestion]]);
              const text = await item.getByTestId('answer-body').innerText();
              for (const line of linesOf(stored[ids.rawAnswer]!)) expect(text).toContain(line);
            } else if (id === conv.links) {
              expect(await item.getByTestId('user-turn-body').textContent()).toBe(stored[ids.linksQuestion]);
              expect(await item.locator('[data-testid="answer-body"] .md-link-removed').count()).toBe(REMOVED_LINKS.length);
              expect(await item.locator('[data-testid="answer-body"] a').count()).toBe(4);
            } else if (id === conv.markdown) {
              expect(await item.locator('[data-testid="answer-body"] h1').textContent()).toBe('Rivers of Portugal');
              expect((await item.locator('[data-testid="answer-body"] pre > code').textContent())!.replace(/\n$/, '')).toBe(CODE);
            }
            await page.getByTestId('queue-next').click();
          }
          expect(served).toEqual([conv.raw, conv.links, conv.markdown]);
          await expectNothingHappened(watch, page, url);
        } finally {
          await watch.close();
        }
      });

      it('my data: the hostile titles and feedback texts are listed as text, and nothing runs', async () => {
        const watch = await Watch.open(owner.api.cookie, mode.bypassCSP);
        try {
          const page = await watch.newPage();
          await page.goto(server.url);
          await page.getByTestId('nav-me').click();
          await page.waitForURL(/\/me$/);
          const list = page.getByTestId('my-conversation');
          await expect.poll(() => list.count()).toBe(3);
          const titles = await list.evaluateAll((els) => els.map((el) => ({ id: el.getAttribute('data-conversation-id'), text: el.querySelector('a')?.textContent, href: el.querySelector('a')?.getAttribute('href') })));
          expect(titles).toEqual(
            expect.arrayContaining([
              { id: conv.raw, text: HOSTILE_TITLE, href: `/chat/${conv.raw}` },
              { id: conv.links, text: LINKS_TITLE, href: `/chat/${conv.links}` },
              { id: conv.markdown, text: MARKDOWN_TITLE, href: `/chat/${conv.markdown}` },
            ]),
          );
          const items = page.getByTestId('my-feedback-item');
          await expect.poll(() => items.count()).toBe(2);
          expect(await page.locator('[data-testid="my-feedback-item"][data-kind="critique"] .item-text').textContent()).toBe(storedCritique);
          // A long text is cut at 120 characters: its start, as text.
          expect(await page.locator('[data-testid="my-feedback-item"][data-kind="correction"] .item-text').textContent()).toBe(`${storedCorrection.slice(0, 120)}…`);
          const scan = await expectNothingHappened(watch, page, `${server.url}/me`);
          expect(scan.scanned).toBe(3 + 2);
          await screenshot(page, `safe-rendering-05-my-data-${mode.tag}`, true);
        } finally {
          await watch.close();
        }
      });
    });
  }
});
