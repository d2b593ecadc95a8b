import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAi, type FakeOpenAi } from '../packages/server/test/support/fake-openai.js';
import { launchChromium, signInThroughForm } from './support/browser.js';
import { Api, personViaApi, PoolFile, screenshot, type MessageRow } from './support/pool.js';
import { startServer, type RunningServer } from './support/server.js';

/**
 * The model gateway failing, as a person sees it in the browser (Debian's chromium, the real server
 * and its built web app, a fresh SQLite pool) against a local fake OpenAI-compatible endpoint that
 * answers 429, answers 500, hangs, or drops the stream mid-answer; and the person pressing Stop.
 * Each time: the page says clearly what went wrong, the answer is shown as failed (never as a whole
 * answer one could give feedback on), the pool holds the question and no answer at all, and the
 * conversation read back after a reload is the same. After a 429, "Try again" once the endpoint has
 * recovered gives one whole stored answer to the same, single, question.
 *
 * The server runs with short gateway limits (first token within 1 s, 2 s between tokens, 2 retries)
 * so that the hang ends in about 3 s.
 */

const DESKTOP = { width: 1280, height: 860 };
const FIRST_TOKEN_SECONDS = 1;
const RETRIES = 2;
const DRAFT_ID = '__draft__';
const NOT_SAVED = 'This answer was not saved.';
/** The English sentences of packages/web/src/i18n/en.ts, chatErrors.* (and chat.stopped). */
const SAYS = {
  model_rate_limited: 'The model is busy (rate limited). Wait a moment and try again.',
  model_unavailable: 'The model’s server failed or could not be reached.',
  model_timeout: 'The model took too long to answer.',
  model_interrupted: 'The answer was cut off before it finished.',
  stopped: 'Stopped.',
} as const;

const CUT_TOKENS = ['The', ' Douro', ' meets', ' the'];
const SLOW_TOKENS = Array.from({ length: 40 }, (_, i) => ` word${i}`);
const RECOVERED_TOKENS = ['The', ' Tagus', ' flows', ' into', ' the', ' **Atlantic**', '.'];

let fake: FakeOpenAi;
let server: RunningServer;
let pool: PoolFile;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let personId: string;
const models: Record<string, string> = {};
/** Whole answers the pool should hold so far (only the one after "Try again"). */
let storedAnswers = 0;

const messagesOf = (conversation: string) => pool.all<MessageRow>('SELECT * FROM messages WHERE conversation_id = ? ORDER BY created_at, id', conversation);
const assistantRows = () => pool.count("SELECT count(*) AS n FROM messages WHERE role = 'assistant'");
const feedbackRows = () => pool.count('SELECT count(*) AS n FROM feedback WHERE contributor_id = ?', personId);

beforeAll(async () => {
  fake = await startFakeOpenAi();
  fake.behave('busy', { kind: 'status', status: 429, retryAfterSeconds: 0 });
  fake.behave('broken', { kind: 'status', status: 500 });
  fake.behave('silent', { kind: 'hang' });
  fake.behave('cut-off', { kind: 'cut', tokens: CUT_TOKENS });
  fake.behave('slow', { kind: 'stream', tokens: SLOW_TOKENS, delayMs: 150 });
  server = await startServer({
    OPENFEEDBACK_GATEWAY_FIRST_TOKEN_SECONDS: String(FIRST_TOKEN_SECONDS),
    OPENFEEDBACK_GATEWAY_IDLE_SECONDS: '2',
    OPENFEEDBACK_GATEWAY_RETRIES: String(RETRIES),
  });
  pool = new PoolFile(server.db);
  const admin = new Api(server.url, server.admin.apiKey);
  const community = await admin.ok<{ id: string }>('POST', '/v1/communities', { slug: 'rivers', name: 'Rivers', kind: 'domain', languages: ['en'] });
  for (const name of ['busy', 'broken', 'silent', 'cut-off', 'slow']) {
    const model = await admin.ok<{ id: string }>('POST', '/v1/models', { slug: `m-${name}`, name: `Model ${name}`, community_id: community.id, base_url: fake.url, model_name: name });
    models[name] = model.id;
  }
  const person = await personViaApi(server.url, 'carol');
  personId = person.id;

  browser = await launchChromium();
  context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', colorScheme: 'light' });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await signInThroughForm(page, server.url, 'carol', 'carol has a long passphrase', '/chat');
  await page.getByTestId('composer-text').waitFor();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  pool?.close();
  await server?.stop();
  await fake?.close();
});

/** A new conversation: the question sent, in the browser, to the model `name`. */
async function ask(name: string, question: string): Promise<{ conversationId: string; requestsBefore: number; sentAt: number }> {
  await page.goto(`${server.url}/chat`);
  await page.getByTestId('composer-text').waitFor();
  await page.getByTestId('model-select').selectOption(models[name]!);
  expect(await page.getByTestId('model-select').inputValue()).toBe(models[name]);
  expect(await page.getByTestId('record-toggle').getAttribute('data-recording')).toBe('true');
  expect(await page.getByTestId('answer').count()).toBe(0);
  const requestsBefore = fake.requests.length;
  await page.getByTestId('composer-text').fill(question);
  const sentAt = Date.now();
  await page.getByTestId('send').click();
  await page.waitForURL(/\/chat\/[^/]+$/);
  const conversationId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
  return { conversationId, requestsBefore, sentAt };
}

/** The words of an answer on screen (without the hidden note for screen readers, nor the cursor). */
const shownText = (answer: ReturnType<Page['locator']>) =>
  answer.getByTestId('answer-body').evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.visually-hidden, [data-testid="streaming-indicator"]').forEach((n) => n.remove());
    return copy.textContent?.trim() ?? '';
  });

/**
 * The one answer on screen failed (or was stopped) and says so: the expected code, its sentence and
 * "not saved", as an alert; it is the unsaved draft, with no feedback tools and no cursor, and the
 * composer is back to Send. Returns the answer.
 */
async function expectProblemShown(state: 'failed' | 'stopped', code: keyof typeof SAYS) {
  const answer = page.locator(`[data-testid="answer"][data-state="${state}"]`);
  await answer.waitFor();
  expect(await page.getByTestId('answer').count()).toBe(1);
  const problem = answer.getByTestId('answer-error');
  expect(await problem.getAttribute('data-code')).toBe(code);
  expect(await problem.getAttribute('role')).toBe('alert');
  expect(await problem.locator('p').textContent()).toBe(`${SAYS[code]} ${NOT_SAVED}`);
  expect(await problem.isVisible()).toBe(true);
  // Not presented as an answer: the unsaved draft, marked as such, without thumbs, rating or cursor.
  expect(await answer.getAttribute('data-message-id')).toBe(DRAFT_ID);
  expect(await answer.getAttribute('class')).toContain(`state-${state}`);
  expect(await answer.getByTestId('streaming-indicator').count()).toBe(0);
  expect(await answer.getByRole('toolbar').count()).toBe(0);
  for (const id of ['thumbs-up', 'thumbs-down', 'rate-button', 'critique-button', 'correct-button', 'flag-button', 'regenerate-button']) {
    expect(await page.getByTestId(id).count(), id).toBe(0);
  }
  expect(await answer.getByTestId('retry').isVisible()).toBe(true);
  expect(await answer.getByTestId('retry').textContent()).toBe('Try again');
  // The border of a failed or stopped answer is the danger colour, like its alert.
  const [border, danger] = await answer.evaluate((el) => {
    const probe = document.createElement('span');
    probe.style.color = 'var(--danger)';
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return [getComputedStyle(el).borderTopColor, colour];
  });
  expect(border).toBe(danger);
  await page.getByTestId('send').waitFor();
  expect(await page.getByTestId('stop').count()).toBe(0);
  return answer;
}

/** The pool holds the question (active, a root) and nothing else of this conversation: no answer, whole or half. */
function expectQuestionOnlyStored(conversationId: string, question: string): MessageRow {
  const conversation = pool.get<{ contributor_id: string; title: string; status: string }>('SELECT * FROM conversations WHERE id = ?', conversationId);
  expect(conversation).toMatchObject({ contributor_id: personId, title: question, status: 'active' });
  const rows = messagesOf(conversationId);
  expect(rows.map((m) => [m.role, m.content, m.parent_id, m.status, m.model_id])).toEqual([['user', question, null, 'active', null]]);
  expect(assistantRows()).toBe(storedAnswers);
  expect(feedbackRows()).toBe(0);
  return rows[0]!;
}

/** Every request the fake received since `before`: this model, asked this one question alone. */
function expectRequests(before: number, model: string, question: string): number {
  const sent = fake.requests.slice(before);
  expect(sent.length).toBeGreaterThan(0);
  for (const r of sent) expect(r).toEqual({ model, messages: [{ role: 'user', content: question }] });
  return sent.length;
}

/** After a reload, the address's conversation as the pool holds it: the question alone, no answer, no error, no partial text. */
async function expectReloadedQuestionOnly(conversationId: string, question: string, userMessageId: string, absent: string | null) {
  await page.reload();
  const turn = page.getByTestId('user-turn');
  await turn.waitFor();
  expect(new URL(page.url()).pathname).toBe(`/chat/${conversationId}`);
  expect(await turn.count()).toBe(1);
  expect(await turn.getAttribute('data-message-id')).toBe(userMessageId);
  expect(await turn.getByTestId('user-turn-body').textContent()).toBe(question);
  expect(await page.getByTestId('answer').count()).toBe(0);
  expect(await page.getByTestId('answer-error').count()).toBe(0);
  expect(await page.getByTestId('thumbs-up').count()).toBe(0);
  if (absent !== null) expect(await page.getByTestId('messages').textContent()).not.toContain(absent);
}

describe('the model gateway failing, in the browser', () => {
  it('429: says the model is busy after limited retries, stores only the question; "Try again" once it recovers stores one whole answer', async () => {
    const question = 'Which river runs through Lisbon?';
    const { conversationId, requestsBefore } = await ask('busy', question);
    const answer = await expectProblemShown('failed', 'model_rate_limited');
    expect(SAYS.model_rate_limited).toMatch(/busy.*rate limited/);
    expect(await shownText(answer)).toBe('');
    // The gateway tried 1 + RETRIES times, no more, then gave up.
    expect(expectRequests(requestsBefore, 'busy', question)).toBe(1 + RETRIES);
    const user = expectQuestionOnlyStored(conversationId, question);
    expect(await page.getByTestId('user-turn').getAttribute('data-message-id')).toBe(user.id);
    await screenshot(page, 'gateway-429');

    // The endpoint recovers; "Try again" answers the same stored question (no second user turn).
    fake.behave('busy', { kind: 'stream', tokens: RECOVERED_TOKENS, delayMs: 40 });
    const retryFrom = fake.requests.length;
    await answer.getByTestId('retry').click();
    const done = page.locator('[data-testid="answer"][data-state="done"]');
    await done.waitFor();
    expect(await shownText(done)).toBe('The Tagus flows into the Atlantic.');
    expect(fake.requests.slice(retryFrom)).toEqual([{ model: 'busy', messages: [{ role: 'user', content: question }] }]);
    storedAnswers += 1;
    const rows = messagesOf(conversationId);
    expect(rows.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', question, 'active'],
      ['assistant', RECOVERED_TOKENS.join(''), 'active'],
    ]);
    expect(rows[0]!.id).toBe(user.id);
    expect(rows[1]).toMatchObject({ parent_id: user.id, model_id: models.busy });
    expect(assistantRows()).toBe(storedAnswers);
    // Trying again after a failure is not a "regenerate" of anything: no implicit feedback.
    expect(feedbackRows()).toBe(0);
    // On screen: one question, one whole stored answer with its feedback tools, no error left.
    expect(await page.getByTestId('user-turn').count()).toBe(1);
    expect(await page.getByTestId('answer').count()).toBe(1);
    expect(await done.getAttribute('data-message-id')).toBe(rows[1]!.id);
    expect(await page.getByTestId('answer-error').count()).toBe(0);
    expect(await done.getByTestId('thumbs-up').isVisible()).toBe(true);
    expect(await page.getByTestId('branch-position').count()).toBe(0);
    await screenshot(page, 'gateway-429-retried');

    // Read back: the same question and the same one answer.
    await page.reload();
    await done.waitFor();
    expect(await page.getByTestId('user-turn').count()).toBe(1);
    expect(await page.getByTestId('user-turn').getAttribute('data-message-id')).toBe(user.id);
    expect(await page.getByTestId('answer').count()).toBe(1);
    expect(await done.getAttribute('data-message-id')).toBe(rows[1]!.id);
    expect(await shownText(done)).toBe('The Tagus flows into the Atlantic.');
    expect(await page.getByTestId('answer-error').count()).toBe(0);
    expect(messagesOf(conversationId)).toHaveLength(2);
  }, 60_000);

  it("500: says the model's server failed, stores only the question, and reads back the same", async () => {
    const question = 'Which river runs through Porto?';
    const { conversationId, requestsBefore } = await ask('broken', question);
    const answer = await expectProblemShown('failed', 'model_unavailable');
    expect(SAYS.model_unavailable).toMatch(/server failed/);
    expect(await shownText(answer)).toBe('');
    // A 5xx before the answer starts is retried too, a limited number of times.
    expect(expectRequests(requestsBefore, 'broken', question)).toBe(1 + RETRIES);
    const user = expectQuestionOnlyStored(conversationId, question);
    await screenshot(page, 'gateway-500');
    await expectReloadedQuestionOnly(conversationId, question, user.id, null);
    expect(messagesOf(conversationId)).toHaveLength(1);
  }, 60_000);

  it('hang: says the model took too long once the timeout passes, stores only the question, and reads back the same', async () => {
    const question = 'Which river runs through Coimbra?';
    const { conversationId, requestsBefore, sentAt } = await ask('silent', question);
    // While the model is silent: an answer being written, with Stop.
    await page.locator('[data-testid="answer"][data-state="streaming"]').waitFor();
    await page.getByTestId('stop').waitFor();
    await page.locator('[data-testid="answer"][data-state="failed"]').waitFor();
    // It gave up only after waiting for the first token on each attempt (the gateway's overall limit
    // before an answer starts is first-token limit × attempts), and well before the test's own waits.
    const waited = Date.now() - sentAt;
    expect(waited).toBeGreaterThanOrEqual(FIRST_TOKEN_SECONDS * 1000 * (1 + RETRIES));
    expect(waited).toBeLessThan(12_000);
    const answer = await expectProblemShown('failed', 'model_timeout');
    expect(SAYS.model_timeout).toMatch(/too long/);
    expect(await shownText(answer)).toBe('');
    const attempts = expectRequests(requestsBefore, 'silent', question);
    expect(attempts).toBeLessThanOrEqual(1 + RETRIES);
    const user = expectQuestionOnlyStored(conversationId, question);
    await screenshot(page, 'gateway-timeout');
    await expectReloadedQuestionOnly(conversationId, question, user.id, null);
    expect(messagesOf(conversationId)).toHaveLength(1);
  }, 60_000);

  it('cut mid-answer: the partial text stays on screen marked as cut off and not saved; nothing of it is stored', async () => {
    const question = 'Where does the Douro end?';
    const partial = CUT_TOKENS.join('');
    const { conversationId, requestsBefore } = await ask('cut-off', question);
    const answer = await expectProblemShown('failed', 'model_interrupted');
    expect(SAYS.model_interrupted).toMatch(/cut off/);
    // What had come is shown, inside the answer marked failed, above the "cut off … not saved" alert.
    expect(await shownText(answer)).toBe(partial);
    const [bodyBottom, alertTop] = await Promise.all([answer.getByTestId('answer-body').boundingBox(), answer.getByTestId('answer-error').boundingBox()]);
    expect(bodyBottom!.y + bodyBottom!.height).toBeLessThanOrEqual(alertTop!.y + 1);
    // A stream that broke after it started is not retried (the answer had begun).
    expect(expectRequests(requestsBefore, 'cut-off', question)).toBe(1);
    const user = expectQuestionOnlyStored(conversationId, question);
    expect(pool.count('SELECT count(*) AS n FROM messages WHERE content LIKE ?', `%${partial}%`)).toBe(0);
    await screenshot(page, 'gateway-cut');
    await expectReloadedQuestionOnly(conversationId, question, user.id, partial);
    expect(messagesOf(conversationId)).toHaveLength(1);
    await screenshot(page, 'gateway-cut-reloaded');
  }, 60_000);

  it('Stop mid-answer: the answer is marked stopped and not saved, the model stops too, nothing of it is stored', async () => {
    const question = 'Tell me about every river in Portugal.';
    const sentBefore = fake.sentAt.length;
    const { conversationId, requestsBefore } = await ask('slow', question);
    const streaming = page.locator('[data-testid="answer"][data-state="streaming"]');
    await streaming.waitFor();
    await expect.poll(() => shownText(streaming), { timeout: 15_000 }).toContain('word2');
    await page.getByTestId('stop').click();
    const answer = await expectProblemShown('stopped', 'stopped');
    const kept = await shownText(answer);
    expect(kept.startsWith('word0 word1 word2')).toBe(true);
    expect(kept).not.toContain(`word${SLOW_TOKENS.length - 1}`);

    // The server stops the model: the fake goes quiet long before the whole answer (40 × 150 ms) was sent.
    await expect.poll(() => Date.now() - (fake.sentAt.at(-1) ?? 0), { timeout: 15_000, interval: 100 }).toBeGreaterThan(1_500);
    expect(fake.sentAt.length - sentBefore).toBeLessThan(SLOW_TOKENS.length);
    expect(expectRequests(requestsBefore, 'slow', question)).toBe(1);
    // Nothing more came into the stopped answer on screen.
    expect(await shownText(answer)).toBe(kept);
    const user = expectQuestionOnlyStored(conversationId, question);
    expect(pool.count("SELECT count(*) AS n FROM messages WHERE content LIKE '%word0%'")).toBe(0);
    await screenshot(page, 'gateway-stopped');
    await expectReloadedQuestionOnly(conversationId, question, user.id, 'word0');
    expect(messagesOf(conversationId)).toHaveLength(1);
  }, 60_000);
});
