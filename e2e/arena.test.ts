import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAi, type FakeOpenAi } from '../packages/server/test/support/fake-openai.js';
import { launchChromium, signInThroughForm } from './support/browser.js';
import { Api, personViaApi, PoolFile, screenshot, type FeedbackRow } from './support/pool.js';
import { startServer, type RunningServer } from './support/server.js';

/**
 * The blind arena in the browser (Debian's chromium, the real server and its built web app, a fresh
 * SQLite pool) against a local fake OpenAI-compatible endpoint with two models: both answers stream
 * side by side, the page holds no name of either model until the vote, the battle continues with
 * both, a vote by keyboard shows the names, and a model that names itself makes the vote not count.
 * On a phone the two answers stack.
 */

const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
const HERON = ['The', ' Tagus', ' runs', ' through', ' Lisbon', ' to', ' the', ' **Atlantic**.'];
const KESTREL = ['Lisbon', ' lies', ' on', ' the', ' Tagus', ' estuary.'];

let fake: FakeOpenAi;
let server: RunningServer;
let pool: PoolFile;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let personId: string;
const models: Record<'heron' | 'kestrel', { id: string; slug: string; name: string; model_name: string }> = {} as never;

interface BattleRow {
  id: string;
  conversation_id: string;
  model_a: string;
  model_b: string;
  status: string;
  invalid_reason: string | null;
  feedback_id: string | null;
}

const latestBattle = () => pool.get<BattleRow>('SELECT * FROM arena_battles WHERE contributor_id = ? ORDER BY created_at DESC, id DESC LIMIT 1', personId)!;
const nameOf = (id: string) => Object.values(models).find((m) => m.id === id)!.name;
/** Everything by which the page could tell a model: id, slug, name and model name. */
const giveaways = () => Object.values(models).flatMap((m) => [m.id, m.slug, m.name, m.model_name].map((s) => s.toLowerCase()));
async function expectNoNames(label: string) {
  const html = (await page.content()).toLowerCase();
  for (const g of giveaways()) expect(html.includes(g), `${label}: the page shows ${g}`).toBe(false);
}

beforeAll(async () => {
  fake = await startFakeOpenAi();
  fake.behave('heron', { kind: 'stream', tokens: HERON, delayMs: 90 });
  fake.behave('kestrel', { kind: 'stream', tokens: KESTREL, delayMs: 90 });
  server = await startServer();
  pool = new PoolFile(server.db);
  const admin = new Api(server.url, server.admin.apiKey);
  const community = await admin.ok<{ id: string }>('POST', '/v1/communities', { slug: 'rivers', name: 'Rivers', kind: 'domain', languages: ['en'] });
  for (const [key, name] of [['heron', 'Heron 7B'], ['kestrel', 'Kestrel Chat']] as const) {
    const model = await admin.ok<{ id: string }>('POST', '/v1/models', { slug: `${key}-model`, name, community_id: community.id, base_url: fake.url, model_name: key });
    models[key] = { id: model.id, slug: `${key}-model`, name, model_name: key };
  }
  const person = await personViaApi(server.url, 'dora');
  personId = person.id;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', colorScheme: 'light' });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await signInThroughForm(page, server.url, 'dora', 'dora has a long passphrase', '/chat');
}, 90_000);

afterAll(async () => {
  await browser?.close();
  pool?.close();
  await server?.stop();
  await fake?.close();
});

describe('the blind arena, in the browser', () => {
  it('streams two anonymous answers side by side, with no name on the page', async () => {
    await page.getByTestId('nav-arena').click();
    await page.waitForURL(/\/arena$/);
    await page.getByTestId('arena-prompt').fill('Which river runs through Lisbon?');
    await page.getByTestId('arena-send').click();
    // Both columns fill at once, before either answer is whole.
    await expect.poll(async () => {
      const [a, b] = await Promise.all(['a', 'b'].map((s) => page.getByTestId(`arena-answer-${s}`).first().getAttribute('data-state')));
      const [ta, tb] = await Promise.all(['a', 'b'].map((s) => page.getByTestId(`arena-answer-${s}`).first().textContent()));
      return a === 'writing' && b === 'writing' && (ta ?? '').includes('Tagus') && (tb ?? '').includes('Tagus');
    }, { timeout: 10_000, interval: 30 }).toBe(true);
    await expectNoNames('while streaming');
    await page.getByTestId('arena-vote-a').waitFor();
    await screenshot(page, 'arena-01-answers');
    const battle = latestBattle();
    expect(battle.status).toBe('open');
    const expected = { [models.heron.id]: 'The Tagus runs through Lisbon to the Atlantic.', [models.kestrel.id]: KESTREL.join('') };
    expect((await page.getByTestId('arena-answer-a').first().textContent())?.trim()).toBe(expected[battle.model_a]);
    expect((await page.getByTestId('arena-answer-b').first().textContent())?.trim()).toBe(expected[battle.model_b]);
    expect(await page.getByTestId('arena-model-name-a').count()).toBe(0);
    await expectNoNames('both answers in');
    // The pool holds both answers, naming no model yet.
    const answers = pool.all<{ model_id: string | null }>("SELECT model_id FROM messages WHERE conversation_id = ? AND role = 'assistant'", battle.conversation_id);
    expect(answers).toEqual([{ model_id: null }, { model_id: null }]);
  });

  it('continues the battle with both models, then a vote by keyboard shows the names', async () => {
    const before = fake.requests.length;
    await page.getByTestId('arena-prompt').fill('And which one runs through Porto?');
    await page.getByTestId('arena-send').click();
    await expect.poll(() => page.getByTestId('arena-answer-b').count()).toBe(2);
    await page.getByTestId('arena-vote-b').waitFor();
    expect(fake.requests.slice(before).map((r) => r.messages.length)).toEqual([3, 3]);
    await expectNoNames('after the second turn');
    const battle = latestBattle();
    expect(pool.count('SELECT count(*) AS n FROM arena_turns WHERE battle_id = ?', battle.id)).toBe(2);

    await page.locator('h1').click(); // the shortcuts are off while typing
    await page.keyboard.press('2');
    await page.getByTestId('arena-model-name-a').waitFor();
    expect(await page.getByTestId('arena-model-name-a').textContent()).toBe(nameOf(battle.model_a));
    expect(await page.getByTestId('arena-model-name-b').textContent()).toBe(nameOf(battle.model_b));
    expect(await page.getByTestId('arena-outcome').textContent()).toBe('You voted: B is better.');
    expect(await page.getByTestId('arena-vote-a').count()).toBe(0); // voting closed
    await screenshot(page, 'arena-02-revealed');
    const votes = pool.all<FeedbackRow>("SELECT * FROM feedback WHERE contributor_id = ? AND kind = 'pairwise'", personId);
    expect(votes).toHaveLength(1);
    expect(votes[0]).toMatchObject({ status: 'active', annotator_role: 'interlocutor', conversation_id: battle.conversation_id });
    expect(JSON.parse(votes[0]!.payload)).toMatchObject({ outcome: 'b' });
    expect(latestBattle()).toMatchObject({ status: 'voted', feedback_id: votes[0]!.id });
  });

  it('does not count the vote when a model names itself, and says so', async () => {
    fake.behave('kestrel', { kind: 'stream', tokens: ['I am Kestrel', ', and the answer is', ' the Douro.'], delayMs: 40 });
    await page.getByTestId('arena-new').click();
    await page.getByTestId('arena-prompt').fill('Which river runs through Porto?');
    await page.getByTestId('arena-send').click();
    await page.getByTestId('arena-vote-tie').click();
    await page.getByTestId('arena-invalid').waitFor();
    expect(await page.getByTestId('arena-invalid').textContent()).toContain('does not count');
    await page.getByTestId('arena-model-name-b').waitFor();
    const battle = latestBattle();
    expect(battle).toMatchObject({ status: 'invalid', invalid_reason: 'self_identified' });
    expect(pool.get<{ status: string }>('SELECT status FROM feedback WHERE id = ?', battle.feedback_id)).toEqual({ status: 'removed' });
    fake.behave('kestrel', { kind: 'stream', tokens: KESTREL, delayMs: 90 });
  });

  it('stacks the two answers on a phone', async () => {
    await page.setViewportSize(PHONE);
    await page.getByTestId('arena-new').click();
    await page.getByTestId('arena-prompt').fill('Name a river in Portugal.');
    await page.getByTestId('arena-send').click();
    await page.getByTestId('arena-vote-both_bad').waitFor();
    const [a, b] = await Promise.all(['a', 'b'].map((s) => page.getByTestId(`arena-side-${s}`).boundingBox()));
    expect(b!.y).toBeGreaterThanOrEqual(a!.y + a!.height);
    expect(a!.width).toBeGreaterThan(PHONE.width * 0.8);
    await screenshot(page, 'arena-03-phone', true);
    await expectNoNames('on the phone');
    await page.setViewportSize(DESKTOP);
  });
});
