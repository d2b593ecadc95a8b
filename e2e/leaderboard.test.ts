import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAi, type FakeOpenAi } from '../packages/server/test/support/fake-openai.js';
import { launchChromium } from './support/browser.js';
import { Api, personViaApi, PoolFile, screenshot } from './support/pool.js';
import { startServer, type RunningServer } from './support/server.js';

/**
 * The arena's results and quality control in the browser (Debian's chromium, the real server and
 * its built web app, a fresh SQLite pool), seeded through the API as people would: blind arena
 * battles between three models of a fake OpenAI-compatible endpoint, voted by two people who
 * prefer heron to kestrel to osprey (with some upsets and ties), thumbs and rubric ratings of the
 * answers by two raters, a flag. Then: the public leaderboard shows the models in the API's order
 * with its numbers, one interval bar per model and the win rates as a heatmap; a community without
 * votes says so; reviewers see the agreement figures and contributors do not; a contributor reads
 * their own quality figures; a moderator decides an item of the moderation queue; an admin sets a
 * model's arena weight. Screenshots in light and dark, on a desktop and a phone.
 */

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const STRENGTH: Record<string, number> = { heron: 3, kestrel: 2, osprey: 1 };
const NAMES: Record<string, string> = { heron: 'Heron 7B', kestrel: 'Kestrel Chat', osprey: 'Osprey Mini' };
const BATTLES = 30;
const PROMPTS = [
  'Which river runs through Lisbon?',
  'Write a Python function that returns the length of the longest river name in a list.',
  'How long is the Douro, and where does it rise?',
  'Explain what an estuary is to a child.',
  'Write a SQL query: SELECT name FROM rivers WHERE length_km > 500 ordered by length.',
  'Name three rivers of the Iberian peninsula and the seas they reach.',
];

interface LeaderboardBody {
  battles: number;
  rows: { model: { key: string; slug: string | null; name: string }; rating: number; lower: number; upper: number; rank: number; battles: number; wins: number; ties: number; losses: number }[];
  models: string[];
  win_rate: (number | null)[][];
  battle_counts: number[][];
  rubric: { model: string; question_id: string; mean: number }[];
}

interface AgreementBody {
  figures: { subject: string; question_id: string | null; level: 'nominal' | 'ordinal' | 'interval' | 'ratio'; items: number; krippendorff: Record<string, number | null> }[];
}

let fake: FakeOpenAi;
let server: RunningServer;
let pool: PoolFile;
let browser: Browser;
let admin: Api;
const models: Record<string, { id: string; slug: string }> = {};
const people: Record<'vera' | 'walt' | 'rita' | 'mona' | 'cora', { api: Api; id: string }> = {} as never;
const contexts: BrowserContext[] = [];
let flaggedConversation: string;

const whole = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 });
const modelOf = (id: string) => Object.keys(models).find((k) => models[k]!.id === id)!;

/** One arena battle through the API, read to its end: its id, conversation and the two answers. */
async function battle(person: Api, community: string, content: string): Promise<{ id: string; conversation: string; answers: Record<'a' | 'b', string> }> {
  const res = await fetch(`${server.url}/v1/arena/battles`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: person.cookie! }, body: JSON.stringify({ community_id: community, content }) });
  if (!res.ok) throw new Error(`battle: ${res.status} ${await res.text()}`);
  const events = (await res.text())
    .split('\n')
    .filter((l) => l.startsWith('data:'))
    .map((l) => JSON.parse(l.slice(5)) as { type: string; battle_id?: string; conversation_id?: string; side?: 'a' | 'b'; message?: { id: string }; status?: string });
  const start = events.find((e) => e.type === 'start')!;
  const answers = Object.fromEntries(events.filter((e) => e.type === 'done').map((e) => [e.side!, e.message!.id])) as Record<'a' | 'b', string>;
  expect(events.at(-1)).toMatchObject({ type: 'end', status: 'open' });
  return { id: start.battle_id!, conversation: start.conversation_id!, answers };
}

/** A browser tab signed in as the person (their API session's cookie), in the colour scheme and size asked. */
async function pageOf(person: { api: Api } | null, options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number }; locale?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, locale: options.locale ?? 'en-GB', colorScheme: options.colorScheme ?? 'light' });
  contexts.push(context);
  if (person !== null) {
    const [name, value] = person.api.cookie!.split('=') as [string, string];
    await context.addCookies([{ name, value, url: server.url }]);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** Opens the leaderboard of a community and hands back the report the page itself received. */
async function openLeaderboard(page: Page, query: string): Promise<LeaderboardBody> {
  const response = page.waitForResponse((r) => r.url().includes('/v1/leaderboard') && r.status() === 200);
  await page.goto(`${server.url}/leaderboard${query}`);
  const body = (await (await response).json()) as LeaderboardBody;
  await page.getByTestId('leaderboard-body').waitFor();
  return body;
}

beforeAll(async () => {
  fake = await startFakeOpenAi();
  fake.behave('heron', { kind: 'stream', tokens: ['The', ' Tagus', ' reaches', ' the', ' Atlantic', ' at', ' Lisbon.'], delayMs: 0 });
  fake.behave('kestrel', { kind: 'stream', tokens: ['Lisbon', ' lies', ' on', ' the', ' Tagus.'], delayMs: 0 });
  fake.behave('osprey', { kind: 'stream', tokens: ['A', ' river', ' I', ' think.'], delayMs: 0 });
  server = await startServer();
  pool = new PoolFile(server.db);
  admin = new Api(server.url, server.admin.apiKey);
  const rivers = await admin.ok<{ id: string }>('POST', '/v1/communities', {
    slug: 'rivers',
    name: 'Rivers',
    kind: 'domain',
    languages: ['en'],
    rubric: [{ id: 'accuracy', text: 'Is the answer accurate?', min: 1, max: 5 }],
  });
  const lakes = await admin.ok<{ id: string }>('POST', '/v1/communities', { slug: 'lakes', name: 'Lakes', kind: 'domain', languages: ['en'] });
  for (const key of Object.keys(STRENGTH)) {
    const m = await admin.ok<{ id: string }>('POST', '/v1/models', { slug: `${key}-model`, name: NAMES[key], community_id: rivers.id, base_url: fake.url, model_name: key });
    models[key] = { id: m.id, slug: `${key}-model` };
  }
  await admin.ok('POST', '/v1/models', { slug: 'loon-model', name: 'Loon', community_id: lakes.id, base_url: fake.url, model_name: 'heron' });
  await admin.ok('POST', '/v1/models', { slug: 'grebe-model', name: 'Grebe', community_id: lakes.id, base_url: fake.url, model_name: 'kestrel' });
  for (const handle of ['vera', 'walt', 'rita', 'mona', 'cora'] as const) people[handle] = await personViaApi(server.url, handle);
  await admin.ok('PUT', `/v1/admin/contributors/${people.rita.id}/roles`, { roles: ['contributor', 'reviewer'] });
  await admin.ok('PUT', `/v1/admin/contributors/${people.mona.id}/roles`, { roles: ['contributor', 'moderator'] });

  // Battles: vera and walt vote by the models' strength, with upsets and ties.
  const answered: { voter: { api: Api }; conversation: string; message: string; model: string }[] = [];
  const met: Record<string, number> = {};
  for (let i = 0; i < BATTLES; i++) {
    const voter = i % 2 === 0 ? people.vera : people.walt;
    const b = await battle(voter.api, rivers.id, `${PROMPTS[i % PROMPTS.length]} (${i + 1})`);
    const row = pool.get<{ model_a: string; model_b: string }>('SELECT model_a, model_b FROM arena_battles WHERE id = ?', b.id)!;
    const [a, bb] = [modelOf(row.model_a), modelOf(row.model_b)];
    // The arena draws the pairs at random: the votes follow from each pair's own count, so that
    // the stronger model of every pair wins most of their battles whatever the draw.
    const better = STRENGTH[a]! > STRENGTH[bb]! ? 'a' : 'b';
    const pair = [a, bb].sort().join('-');
    const k = (met[pair] = (met[pair] ?? -1) + 1);
    const winner = k % 5 === 4 ? 'tie' : k % 4 === 3 ? (better === 'a' ? 'b' : 'a') : better;
    await voter.api.ok('POST', `/v1/arena/battles/${b.id}/vote`, { winner });
    answered.push({ voter, conversation: b.conversation, message: b.answers.a, model: a }, { voter, conversation: b.conversation, message: b.answers.b, model: bb });
  }

  // The answers of the first battles are judged twice (thumbs and the rubric): by the person who
  // asked, and by rita, a reviewer (who may judge any conversation); they mostly agree.
  for (const [n, { voter, conversation, message, model }] of answered.slice(0, 16).entries()) {
    const s = STRENGTH[model]!;
    for (const [r, rater] of [voter, people.rita.api].map((x) => ('api' in x ? x.api : x)).entries()) {
      const value = s >= 2 !== (r === 1 && n % 6 === 5) ? 'up' : 'down';
      await rater.ok('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: conversation, message_id: message, value });
      const score = Math.min(5, Math.max(1, s + 1 + (r === 1 && n % 4 === 1 ? 1 : 0)));
      await rater.ok('POST', '/v1/feedback', { kind: 'rating', conversation_id: conversation, message_id: message, question_id: 'accuracy', score });
    }
  }
  // A flag on one answer puts its conversation in the moderation queue.
  flaggedConversation = answered[2]!.conversation;
  await people.rita.api.ok('POST', '/v1/feedback', { kind: 'flag', conversation_id: flaggedConversation, message_id: answered[2]!.message, reason: 'spam' });
  await admin.ok('POST', '/v1/quality/pass', {});

  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  pool?.close();
  await server?.stop();
  await fake?.close();
});

describe('the leaderboard, in the browser', () => {
  it('is public: a visitor finds it in the navigation and sees the models in the API’s order, with its numbers', async () => {
    const page = await pageOf(null);
    await page.goto(`${server.url}/sign-in`);
    await page.getByTestId('nav-leaderboard').click();
    await page.waitForURL(/\/leaderboard$/);
    await page.getByTestId('leaderboard-body').waitFor();
    const response = page.waitForResponse((r) => r.url().includes('/v1/leaderboard') && r.url().includes('community=rivers') && r.status() === 200);
    await page.getByTestId('leaderboard-community').selectOption('rivers');
    const report = (await (await response).json()) as LeaderboardBody;
    await page.waitForURL(/community=rivers/);
    await expect.poll(() => page.getByTestId('leaderboard-row').first().getAttribute('data-model-key')).toBe(report.rows[0]!.model.key);
    expect(report.battles).toBe(BATTLES);
    expect(report.rows.map((r) => r.model.slug)).toEqual(['heron-model', 'kestrel-model', 'osprey-model']);
    const rows = page.getByTestId('leaderboard-row');
    expect(await rows.count()).toBe(3);
    for (const [i, r] of report.rows.entries()) {
      const row = rows.nth(i);
      expect(await row.getAttribute('data-model-key')).toBe(r.model.key);
      expect(await row.getByTestId('leaderboard-rank').textContent()).toBe(String(r.rank));
      expect(await row.getByTestId('leaderboard-model').textContent()).toBe(r.model.name);
      expect(await row.getByTestId('leaderboard-rating').textContent()).toBe(whole.format(r.rating));
      expect(await row.getByTestId('leaderboard-interval').textContent()).toBe(`${whole.format(r.lower)}–${whole.format(r.upper)}`);
      expect(await row.getByTestId('leaderboard-battles').textContent()).toBe(String(r.battles));
      expect(await row.getByTestId('leaderboard-wtl').textContent()).toBe(`${r.wins}/${r.ties}/${r.losses}`);
    }
    // The ratings as a picture: one interval bar per model, in the same order, placed by its numbers.
    const chart = page.getByTestId('rating-chart');
    expect(await chart.locator('title').first().textContent()).toBe('Ratings with their 95 % intervals');
    expect(await chart.locator('desc').textContent()).toContain(`1. ${NAMES.heron}: ${whole.format(report.rows[0]!.rating)}`);
    expect(await chart.getByTestId('rating-interval').count()).toBe(3);
    const points = await chart.getByTestId('rating-point').evaluateAll((gs) =>
      gs.map((g) => ({ key: g.getAttribute('data-model-key'), cx: Number(g.querySelector('circle')!.getAttribute('cx')), x1: Number(g.querySelector('[data-testid="rating-interval"]')!.getAttribute('x1')), x2: Number(g.querySelector('[data-testid="rating-interval"]')!.getAttribute('x2')) })),
    );
    expect(points.map((p) => p.key)).toEqual(report.models);
    for (const p of points) expect(p.x1 <= p.cx && p.cx <= p.x2).toBe(true);
    expect(points[0]!.cx).toBeGreaterThan(points[1]!.cx);
    expect(points[1]!.cx).toBeGreaterThan(points[2]!.cx);

    // The win-rate heatmap: the API's rates in the cells, a coloured background, blank on the diagonal.
    const cells = await page.getByTestId('winrate-matrix').getByTestId('matrix-cell').evaluateAll((tds) =>
      tds.map((td) => ({ row: Number(td.getAttribute('data-row')), col: Number(td.getAttribute('data-col')), value: td.getAttribute('data-value'), text: td.textContent, bg: (td as HTMLElement).style.background })),
    );
    expect(cells).toHaveLength(9);
    for (const c of cells) {
      const rate = report.win_rate[c.row]![c.col]!;
      if (c.row === c.col) expect(c.value).toBe('');
      else if (rate === null) expect(c.text).toBe('never met');
      else {
        expect(Number(c.value)).toBe(rate);
        expect(c.text).toBe(percent.format(rate));
        if (rate !== 0.5) expect(c.bg).toContain('color-mix');
      }
    }
    expect(cells.filter((c) => c.row !== c.col && report.win_rate[c.row]![c.col] !== null).length).toBeGreaterThanOrEqual(4);
    // The rubric summary: a mean per model, as the API has it.
    expect(await page.getByTestId('rubric-row').count()).toBe(new Set(report.rubric.map((r) => r.model)).size);
    await screenshot(page, 'leaderboard-01-light', true);

    // The battle counts, by keyboard.
    await page.getByTestId('matrix-mode-battles').focus();
    await page.keyboard.press('Enter');
    const counts = await page.getByTestId('count-matrix').getByTestId('matrix-cell').evaluateAll((tds) => tds.map((td) => [Number(td.getAttribute('data-row')), Number(td.getAttribute('data-col')), td.getAttribute('data-value')] as const));
    for (const [i, j, v] of counts) if (i !== j) expect(Number(v)).toBe(report.battle_counts[i]![j]);
    expect(counts.filter(([i, j]) => i !== j).reduce((sum, [, , v]) => sum + Number(v), 0)).toBe(2 * BATTLES);
  });

  it('filters by prompt category, with the numbers of that cut', async () => {
    const page = await pageOf(null);
    await openLeaderboard(page, '?community=rivers');
    const response = page.waitForResponse((r) => r.url().includes('/v1/leaderboard') && r.url().includes('category=coding'));
    await page.getByTestId('leaderboard-category').selectOption('coding');
    const coding = (await (await response).json()) as LeaderboardBody;
    await page.waitForURL(/category=coding/);
    await expect.poll(() => page.getByTestId('leaderboard-summary').textContent()).toContain(`${coding.battles} vote`);
    expect(coding.battles).toBeGreaterThan(0);
    expect(coding.battles).toBeLessThan(BATTLES);
  });

  it('anchors the scale on a chosen model: that model at 1,000 and the others against it, the gaps unchanged', async () => {
    const page = await pageOf(null);
    const plain = await openLeaderboard(page, '?community=rivers');
    await page.locator('.leaderboard-options summary').click();
    const response = page.waitForResponse((r) => r.url().includes('/v1/leaderboard') && r.url().includes('anchor=osprey-model'));
    await page.getByTestId('leaderboard-anchor').selectOption('osprey-model');
    const anchored = (await (await response).json()) as LeaderboardBody;
    await page.waitForURL(/anchor=osprey-model/);
    const rating = (body: LeaderboardBody, slug: string) => body.rows.find((r) => r.model.slug === slug)!.rating;
    expect(rating(anchored, 'osprey-model')).toBeCloseTo(1000, 6);
    expect(rating(anchored, 'heron-model') - rating(anchored, 'osprey-model')).toBeCloseTo(rating(plain, 'heron-model') - rating(plain, 'osprey-model'), 6);
    const osprey = page.locator('[data-testid="leaderboard-row"][data-model-slug="osprey-model"] [data-testid="leaderboard-rating"]');
    await expect.poll(() => osprey.textContent()).toContain('1,000');
  });

  it('reads well in dark mode and on a phone, with no sideways scrolling of the page', async () => {
    const dark = await pageOf(null, { colorScheme: 'dark' });
    await openLeaderboard(dark, '?community=rivers');
    const colours = await dark.evaluate(() => ({ bg: getComputedStyle(document.body).backgroundColor, text: getComputedStyle(document.body).color }));
    expect(colours.bg).toBe('rgb(18, 19, 23)');
    await screenshot(dark, 'leaderboard-02-dark', true);

    const phone = await pageOf(null, { colorScheme: 'dark', viewport: PHONE });
    await openLeaderboard(phone, '?community=rivers');
    const sizes = await phone.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      svg: document.querySelector('[data-testid="rating-chart"]')!.getBoundingClientRect().width,
    }));
    expect(sizes.page).toBeLessThanOrEqual(PHONE.width);
    expect(sizes.svg).toBeLessThanOrEqual(PHONE.width);
    expect(await phone.getByTestId('rating-interval').count()).toBe(3);
    await screenshot(phone, 'leaderboard-03-phone-dark', true);
    // The navigation opens from the menu button on a phone.
    await phone.getByTestId('menu-toggle').click();
    await phone.getByTestId('nav-leaderboard').waitFor({ state: 'visible' });

    const light = await pageOf(null, { viewport: PHONE, locale: 'pt-PT' });
    await openLeaderboard(light, '?community=rivers');
    expect(await light.locator('h1').textContent()).toBe('Classificação');
    expect(await light.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(light, 'leaderboard-04-phone-light-pt', true);
  });

  it('says there are no battles yet on a community without votes, with a way to the arena', async () => {
    const page = await pageOf(people.cora);
    const report = await openLeaderboard(page, '?community=lakes');
    expect(report.battles).toBe(0);
    await page.getByTestId('leaderboard-empty').waitFor();
    expect(await page.getByTestId('leaderboard-empty').textContent()).toContain('No battles yet — vote in the Arena');
    expect(await page.getByTestId('rating-chart').count()).toBe(0);
    await screenshot(page, 'leaderboard-05-empty');
    await page.getByTestId('leaderboard-go-arena').click();
    await page.waitForURL(/\/arena$/);
  });
});

describe('agreement, quality and moderation, in the browser', () => {
  it('shows reviewers the agreement between raters, with alpha per question against the thresholds', async () => {
    const agreement = await people.rita.api.ok<AgreementBody>('GET', '/v1/agreement?community=rivers');
    const page = await pageOf(people.rita);
    await page.goto(`${server.url}/me`);
    await page.getByTestId('nav-review').click();
    await page.waitForURL(/\/review\/agreement$/);
    await page.getByTestId('agreement-community').selectOption('rivers');
    await page.getByTestId('agreement-table').waitFor();
    await expect.poll(() => page.getByTestId('agreement-row').count()).toBe(agreement.figures.length);
    const shown = await page.getByTestId('agreement-row').evaluateAll((trs) => trs.map((tr) => ({ subject: tr.getAttribute('data-subject'), question: tr.getAttribute('data-question'), alpha: tr.querySelector('[data-testid="agreement-alpha"]')!.getAttribute('data-value') })));
    for (const [i, f] of agreement.figures.entries()) {
      expect(shown[i]).toEqual({ subject: f.subject, question: f.question_id ?? '', alpha: f.krippendorff[f.level] === null ? '' : String(f.krippendorff[f.level]) });
    }
    const thumbs = agreement.figures.find((f) => f.subject === 'thumbs')!;
    expect(thumbs.items).toBeGreaterThan(0);
    expect(await page.getByTestId('alpha-bar').count()).toBe(agreement.figures.length);
    expect(await page.getByTestId('alpha-reference').count()).toBe(2);
    expect(await page.getByTestId('alpha-explained').textContent()).toContain('0.800');
    await screenshot(page, 'review-01-agreement', true);
    const dark = await pageOf(people.rita, { colorScheme: 'dark', viewport: PHONE });
    await dark.goto(`${server.url}/review/agreement`);
    await dark.getByTestId('agreement-table').waitFor();
    await screenshot(dark, 'review-02-agreement-phone-dark', true);
  });

  it('hides it from a plain contributor', async () => {
    const page = await pageOf(people.cora);
    await page.goto(`${server.url}/leaderboard`);
    await page.getByTestId('nav-me').waitFor();
    expect(await page.getByTestId('nav-review').count()).toBe(0);
    await page.goto(`${server.url}/review/agreement`);
    await page.getByTestId('review-forbidden').waitFor();
    expect(await page.getByTestId('agreement-section').count()).toBe(0);
  });

  it('shows a contributor their own quality figures, explained', async () => {
    const mine = await people.vera.api.ok<{ trust: number; gold: { answers: number }; consensus: { votes: number; agreement_rate: number | null }; computed_at: string | null }>('GET', '/v1/me/quality');
    expect(mine.computed_at).not.toBeNull();
    expect(mine.consensus.votes).toBeGreaterThan(0);
    const page = await pageOf(people.vera);
    await page.goto(`${server.url}/me`);
    await page.getByTestId('quality-trust').waitFor();
    expect(Number(await page.getByTestId('quality-trust').getAttribute('data-value'))).toBe(mine.trust);
    expect(await page.getByTestId('quality-trust').textContent()).toBe(mine.trust.toFixed(2));
    expect(await page.getByTestId('quality-gold').getAttribute('data-answers')).toBe(String(mine.gold.answers));
    expect(await page.getByTestId('quality-agreement').textContent()).toBe(mine.consensus.agreement_rate === null ? '—' : percent.format(mine.consensus.agreement_rate));
    expect(await page.getByTestId('quality-words').textContent()).toContain('how much your votes count');
    await page.getByTestId('my-quality').evaluate((el) => window.scrollTo({ top: el.getBoundingClientRect().top + window.scrollY - 70, behavior: 'instant' }));
    await screenshot(page, 'me-01-my-quality');
  });

  it('lets a moderator decide an item of the moderation queue, with a reason', async () => {
    const queue = await people.mona.api.ok<{ items: { id: string; signal: string; conversation_id: string | null; status: string }[] }>('GET', '/v1/moderation/queue?status=open');
    const flagged = queue.items.find((i) => i.signal === 'flag' && i.conversation_id === flaggedConversation)!;
    expect(flagged).toBeDefined();
    const page = await pageOf(people.mona);
    await page.goto(`${server.url}/review`);
    await page.getByTestId('review-tab-moderation').click();
    await page.waitForURL(/\/review\/moderation$/);
    const item = page.locator(`[data-testid="moderation-item"][data-item-id="${flagged.id}"]`);
    await item.waitFor();
    expect(await item.getByTestId('evidence').textContent()).toContain('Spam × 1');
    await page.getByTestId('suspicious-section').waitFor();
    await screenshot(page, 'review-03-moderation', true);
    await item.getByTestId('moderation-reason').fill('An honest answer about rivers: not spam.');
    await item.getByTestId('moderation-dismiss').click();
    await expect.poll(() => item.count()).toBe(0);
    const after = await people.mona.api.ok<{ items: { id: string; status: string; decision_reason: string }[] }>('GET', '/v1/moderation/queue?status=dismissed');
    expect(after.items.find((i) => i.id === flagged.id)).toMatchObject({ status: 'dismissed', decision_reason: 'An honest answer about rivers: not spam.' });
    expect(pool.count("SELECT count(*) AS n FROM audit_log WHERE action = 'moderation.dismiss'")).toBe(1);
  });

  it('lets a reviewer only dismiss, and an admin set a model’s arena weight to 0 (never drawn)', async () => {
    const reviewer = await pageOf(people.rita);
    await reviewer.goto(`${server.url}/review/moderation`);
    await reviewer.getByTestId('moderation-section').waitFor();
    await reviewer.getByTestId('moderation-empty').or(reviewer.getByTestId('moderation-item').first()).waitFor();
    expect(await reviewer.getByTestId('moderation-remove').count()).toBe(0);
    expect(await reviewer.getByTestId('suspicious-section').count()).toBe(0);

    const page = await pageOf({ api: await signedInAdmin() });
    await page.goto(`${server.url}/admin`);
    const row = page.locator(`[data-testid="model-row"][data-model-id="${models.osprey!.id}"]`);
    await row.getByTestId('model-arena-weight').fill('0');
    await row.getByTestId('model-arena-weight-save').click();
    await expect.poll(async () => (await admin.ok<{ arena_weight: number }>('GET', `/v1/models/${models.osprey!.id}`)).arena_weight).toBe(0);
    await row.getByTestId('model-arena-weight').evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'admin-01-arena-weight');
  });
});

/** The admin's browser session: signed in with the password the e2e server gave it. */
async function signedInAdmin(): Promise<Api> {
  const api = new Api(server.url);
  await api.ok('POST', '/v1/sessions', { handle: server.admin.handle, password: server.admin.password });
  return api;
}
