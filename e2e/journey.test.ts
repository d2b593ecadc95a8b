import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAi, type FakeOpenAi } from '../packages/server/test/support/fake-openai.js';
import { launchChromium } from './support/browser.js';
import { Api, personViaApi, PoolFile, screenshot, type FeedbackRow, type MessageRow } from './support/pool.js';
import { startServer, type RunningServer } from './support/server.js';

/**
 * The whole journey of one person, in Debian's chromium against the real server (built web app,
 * fresh SQLite pool) and a local fake OpenAI-compatible endpoint: sign up, consent, chat (the answer
 * streams in, then is stored), thumbs, the community's rubric, edit → branch and back, a critique on
 * a selected span, rate the pool (someone else's conversation, from the queue), my data (counts,
 * delete, export) and withdrawal. After each step the test reads the pool file itself: what the page
 * says happened must be what the database holds. Screenshots of the main screens are saved under
 * test-artifacts/screenshots/.
 */

const DESKTOP = { width: 1280, height: 860 };
const QUESTION = 'Which river runs through Lisbon?';
const EDITED = 'Which river runs through Porto?';
const ANSWER_TOKENS = ['Lisbon', ' sits', ' on', ' the', ' Tagus', ' river,', ' which', ' flows', ' west', ' into', ' the', ' **Atlantic', ' Ocean**', '.'];
const ANSWER = ANSWER_TOKENS.join('');
const EDITED_TOKENS = ['Porto', ' sits', ' on', ' the', ' Douro', ' river.'];
const EDITED_ANSWER = EDITED_TOKENS.join('');

let fake: FakeOpenAi;
let server: RunningServer;
let pool: PoolFile;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let admin: Api;
let communityId: string;
let modelId: string;
let bobConversation: { id: string; question: string; answers: [string, string] };

// What the journey learns on the way, for the later steps.
let adaId: string;
let conversationId: string;
let firstQuestionId: string;
let firstAnswerId: string;

const feedbackOf = (contributorId: string) => pool.all<FeedbackRow>('SELECT * FROM feedback WHERE contributor_id = ? ORDER BY created_at, id', contributorId);
const messagesOf = (conversation: string) => pool.all<MessageRow>('SELECT * FROM messages WHERE conversation_id = ? ORDER BY created_at, id', conversation);
const payload = (f: FeedbackRow | undefined) => JSON.parse(f?.payload ?? '{}') as Record<string, unknown>;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  fake.behave('journey-model', { kind: 'stream', tokens: ANSWER_TOKENS, delayMs: 120 });
  server = await startServer();
  pool = new PoolFile(server.db);
  admin = new Api(server.url, server.admin.apiKey);
  const community = await admin.ok<{ id: string }>('POST', '/v1/communities', {
    slug: 'geography',
    name: 'Geography',
    kind: 'domain',
    languages: ['en'],
    description: 'Rivers, capitals and the places between.',
    rubric: [{ id: 'accuracy', text: 'Is the answer accurate?', min: 1, max: 5, labels: ['wrong', 'mostly wrong', 'mixed', 'mostly right', 'right'] }],
  });
  communityId = community.id;
  const model = await admin.ok<{ id: string }>('POST', '/v1/models', { slug: 'journey-model', name: 'Journey Model', community_id: communityId, base_url: fake.url, model_name: 'journey-model' });
  modelId = model.id;
  // Someone else's conversation with two alternative answers, for rate-the-pool.
  const bob = await personViaApi(server.url, 'bob');
  const created = await bob.api.ok<{ id: string }>('POST', '/v1/conversations', {
    community_id: communityId,
    messages: [
      { id: 'bob-q', role: 'user', content: 'What is the capital of Portugal?' },
      { id: 'bob-a1', parent_id: 'bob-q', role: 'assistant', content: 'Lisbon.', model_id: modelId },
      { id: 'bob-a2', parent_id: 'bob-q', role: 'assistant', content: 'The capital of Portugal is Lisbon, on the estuary of the Tagus.', model_id: modelId },
    ],
  });
  bobConversation = { id: created.id, question: 'bob-q', answers: ['bob-a1', 'bob-a2'] };
  browser = await launchChromium();
  context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', colorScheme: 'light' });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  pool?.close();
  await server?.stop();
  await fake?.close();
});

describe('the journey of a contributor, in the browser', () => {
  it('signs up with a pseudonymous handle: an account, and nothing else yet', async () => {
    await page.goto(server.url);
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByTestId('sign-in-form').waitFor();
    await screenshot(page, '01-sign-in');
    await page.getByTestId('auth-switch').click();
    await page.getByTestId('sign-up-form').waitFor();
    await page.getByTestId('handle').fill('ada');
    await page.getByTestId('password').fill('correct horse battery');
    await page.getByTestId('auth-submit').click();
    await page.waitForURL(/\/consent/);
    await page.getByTestId('consent-form').waitFor();

    const ada = pool.get<{ id: string; handle: string; password_hash: string | null; roles: string }>("SELECT * FROM contributors WHERE handle = 'ada'");
    expect(ada).toBeDefined();
    expect(ada!.password_hash).not.toContain('correct horse battery');
    expect(JSON.parse(ada!.roles)).toEqual(['contributor']);
    adaId = ada!.id;
    expect(pool.count('SELECT count(*) AS n FROM consents WHERE contributor_id = ?', adaId)).toBe(0);
    expect(pool.count('SELECT count(*) AS n FROM conversations WHERE contributor_id = ?', adaId)).toBe(0);
    expect(await page.getByTestId('account-handle').textContent()).toBe('@ada');
  });

  it('consents (18+, a licence, pseudonym) before anything is recorded', async () => {
    await expect.poll(() => page.getByTestId('terms-summary').textContent()).toContain('18 or older');
    // The form cannot be sent without the 18+ confirmation: the browser refuses, nothing is stored.
    await page.getByTestId('licence-CC-BY-SA-4.0').check();
    await page.getByTestId('consent-submit').click();
    expect(await page.getByTestId('consent-adult').evaluate((el) => (el as HTMLInputElement).validity.valid)).toBe(false);
    expect(pool.count('SELECT count(*) AS n FROM consents WHERE contributor_id = ?', adaId)).toBe(0);

    await page.getByTestId('consent-adult').check();
    await page.getByTestId('attribution-pseudonym').check();
    await screenshot(page, '02-consent');
    await page.getByTestId('consent-submit').click();
    await page.waitForURL(/\/chat$/);
    await page.getByTestId('composer-text').waitFor();

    const consents = pool.all<{ terms_version: string; adult_confirmed: number; licence: string; attribution: string; withdrawn_at: string | null }>('SELECT * FROM consents WHERE contributor_id = ?', adaId);
    expect(consents).toHaveLength(1);
    expect(consents[0]).toMatchObject({ terms_version: '2026-11', adult_confirmed: 1, licence: 'CC-BY-SA-4.0', attribution: 'pseudonym', withdrawn_at: null });
  });

  it('chats: the answer streams in token by token, then is stored whole', async () => {
    // The communities and their models load after the page: wait for the selects to be filled.
    await expect.poll(() => page.getByTestId('community-select').inputValue()).toBe(communityId);
    await expect.poll(() => page.getByTestId('model-select').inputValue()).toBe(modelId);
    expect(await page.getByTestId('record-toggle').getAttribute('data-recording')).toBe('true');
    // Every text the answer shows while it is being written.
    await page.evaluate(() => {
      const w = window as unknown as { __seen: { at: number; text: string }[] };
      w.__seen = [];
      new MutationObserver(() => {
        const body = document.querySelector('[data-testid="answer"][data-state="streaming"] [data-testid="answer-body"]');
        // The words on screen (not the hidden "writing an answer" note a screen reader hears first).
        const shown = body?.cloneNode(true) as HTMLElement | undefined;
        shown?.querySelectorAll('.visually-hidden').forEach((n) => n.remove());
        const text = shown?.textContent?.replace('▍', '').trim() ?? '';
        if (text !== '' && w.__seen.at(-1)?.text !== text) w.__seen.push({ at: performance.now(), text });
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const requestsBefore = fake.requests.length;
    await page.getByTestId('composer-text').fill(QUESTION);
    await page.getByTestId('send').click();
    // While it streams: Stop instead of Send, a busy answer, a user turn already there.
    await page.locator('[data-testid="answer"][data-state="streaming"]').waitFor();
    await page.getByTestId('stop').waitFor();
    const answer = page.locator('[data-testid="answer"][data-state="done"]');
    await answer.waitFor();
    expect(await answer.getAttribute('data-message-id')).not.toBe('__draft__');
    await expect.poll(() => answer.getByTestId('answer-body').textContent()).toBe(ANSWER.replace(/\*\*/g, ''));
    expect(await answer.locator('strong').textContent()).toBe('Atlantic Ocean');

    const seen = await page.evaluate(() => (window as unknown as { __seen: { at: number; text: string }[] }).__seen);
    // Progressively: many growing pieces over the ~1.5 s the model took, not one block at the end.
    expect(seen.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.text.length).toBeGreaterThan(seen[i - 1]!.text.length);
    expect(seen[0]!.text.length).toBeLessThan(ANSWER.length / 2);
    expect(seen.at(-1)!.at - seen[0]!.at).toBeGreaterThan(700);
    expect(fake.requests.slice(requestsBefore)).toEqual([{ model: 'journey-model', messages: [{ role: 'user', content: QUESTION }] }]);

    // The address names the new conversation; the pool holds the question and the whole answer.
    await page.waitForURL(/\/chat\/[^/]+$/);
    conversationId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
    const conversation = pool.get<{ contributor_id: string; community_id: string; title: string; status: string }>('SELECT * FROM conversations WHERE id = ?', conversationId);
    expect(conversation).toMatchObject({ contributor_id: adaId, community_id: communityId, title: QUESTION, status: 'active' });
    const messages = messagesOf(conversationId);
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ['user', QUESTION],
      ['assistant', ANSWER],
    ]);
    expect(messages[1]).toMatchObject({ parent_id: messages[0]!.id, model_id: modelId, status: 'active' });
    firstQuestionId = messages[0]!.id;
    firstAnswerId = messages[1]!.id;
    expect(await answer.getAttribute('data-message-id')).toBe(firstAnswerId);
    expect(await page.getByTestId('user-turn').getAttribute('data-message-id')).toBe(firstQuestionId);
    await screenshot(page, '03-chat-answer');

    // The same screen on a 360 px phone: nothing sticks out sideways.
    await page.setViewportSize({ width: 360, height: 760 });
    await page.getByTestId('answer').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(page, '04-chat-phone-360');
    await page.setViewportSize(DESKTOP);
  });

  it('gives a thumbs up: one thumbs event on that answer', async () => {
    const answer = page.locator(`[data-testid="answer"][data-message-id="${firstAnswerId}"]`);
    await answer.getByTestId('thumbs-up').click();
    expect(await answer.getByTestId('thumbs-up').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => feedbackOf(adaId).length).toBe(1);
    const [thumbs] = feedbackOf(adaId);
    expect(thumbs).toMatchObject({ kind: 'thumbs', conversation_id: conversationId, message_id: firstAnswerId, annotator_role: 'interlocutor', licence: 'CC-BY-SA-4.0', status: 'active' });
    expect(payload(thumbs).value).toBe('up');
    await expect.poll(() => page.getByTestId('live-polite').textContent()).not.toBe('');
  });

  it("answers the community's rubric: a rating on that question and answer", async () => {
    const answer = page.locator(`[data-testid="answer"][data-message-id="${firstAnswerId}"]`);
    await answer.getByTestId('rate-button').click();
    const panel = answer.getByTestId('rate-panel');
    await panel.waitFor();
    expect(await panel.getByTestId('rubric-accuracy').getAttribute('aria-label')).toBe('Is the answer accurate?');
    await panel.getByTestId('rubric-accuracy-4').click();
    expect(await panel.getByTestId('rubric-accuracy-4').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => feedbackOf(adaId).filter((f) => f.kind === 'rating').length).toBe(1);
    const rating = feedbackOf(adaId).find((f) => f.kind === 'rating');
    expect(rating).toMatchObject({ message_id: firstAnswerId, annotator_role: 'interlocutor' });
    expect(payload(rating)).toMatchObject({ question_id: 'accuracy', score: 4, scale_min: 1, scale_max: 5 });
    await screenshot(page, '05-feedback-rubric');
    await panel.getByTestId('rate-panel-close').click();
    await panel.waitFor({ state: 'detached' });
    expect(feedbackOf(adaId)).toHaveLength(2);
  });

  it('edits the question: a sibling turn with its own answer, and the branches are walked both ways', async () => {
    fake.behave('journey-model', { kind: 'stream', tokens: EDITED_TOKENS, delayMs: 40 });
    const requestsBefore = fake.requests.length;
    const turn = page.getByTestId('user-turn');
    await turn.getByTestId('edit-button').click();
    await turn.getByTestId('edit-text').fill(EDITED);
    await turn.getByTestId('edit-submit').click();
    await page.locator('[data-testid="answer"][data-state="done"]', { hasText: 'Douro' }).waitFor();

    // The model was asked the edited question alone (the other branch is not its history).
    expect(fake.requests.slice(requestsBefore)).toEqual([{ model: 'journey-model', messages: [{ role: 'user', content: EDITED }] }]);
    await expect.poll(() => messagesOf(conversationId).length).toBe(4);
    const messages = messagesOf(conversationId);
    const roots = messages.filter((m) => m.parent_id === null);
    expect(roots.map((m) => m.content)).toEqual([QUESTION, EDITED]);
    const editedAnswer = messages.find((m) => m.role === 'assistant' && m.parent_id === roots[1]!.id);
    expect(editedAnswer?.content).toBe(EDITED_ANSWER);
    expect(messages.filter((m) => m.parent_id === firstQuestionId).map((m) => m.id)).toEqual([firstAnswerId]);

    // On screen: version 2 of 2, then back to 1 (its answer and my feedback on it), then 2 again.
    expect(await turn.getByTestId('branch-position').textContent()).toBe('2/2');
    expect(await turn.getByTestId('user-turn-body').textContent()).toBe(EDITED);
    await turn.getByTestId('branch-prev').click();
    await expect.poll(() => turn.getByTestId('branch-position').textContent()).toBe('1/2');
    expect(await turn.getByTestId('user-turn-body').textContent()).toBe(QUESTION);
    const first = page.getByTestId('answer');
    expect(await first.getAttribute('data-message-id')).toBe(firstAnswerId);
    expect(await first.getByTestId('thumbs-up').getAttribute('aria-pressed')).toBe('true');
    await turn.getByTestId('branch-next').click();
    await expect.poll(() => turn.getByTestId('branch-position').textContent()).toBe('2/2');
    expect(await page.getByTestId('answer').getAttribute('data-message-id')).toBe(editedAnswer!.id);
    expect(await page.getByTestId('answer').getByTestId('thumbs-up').getAttribute('aria-pressed')).toBe('false');
    await turn.getByTestId('branch-prev').click();
    await expect.poll(() => page.getByTestId('answer').getAttribute('data-message-id')).toBe(firstAnswerId);
    // Branching stored no feedback of its own.
    expect(feedbackOf(adaId)).toHaveLength(2);
  });

  it('critiques a span selected with the mouse: the critique carries its offsets in the Markdown source', async () => {
    const body = page.locator(`[data-testid="answer"][data-message-id="${firstAnswerId}"] [data-testid="answer-body"]`);
    // Drag the mouse across "Atlantic" (inside the bold: its source offsets are past the "**").
    const box = await body.evaluate((el) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        const at = node.textContent!.indexOf('Atlantic');
        if (at === -1) continue;
        const rect = (from: number, to: number) => {
          const r = document.createRange();
          r.setStart(node!, from);
          r.setEnd(node!, to);
          return r.getBoundingClientRect();
        };
        const a = rect(at, at + 1);
        const b = rect(at + 7, at + 8);
        return { x1: a.left + 1, x2: b.right - 1, y: (a.top + a.bottom) / 2 };
      }
      return null;
    });
    expect(box).not.toBeNull();
    await page.mouse.move(box!.x1, box!.y);
    await page.mouse.down();
    await page.mouse.move((box!.x1 + box!.x2) / 2, box!.y, { steps: 4 });
    await page.mouse.move(box!.x2, box!.y, { steps: 4 });
    await page.mouse.up();
    expect(await page.evaluate(() => document.getSelection()?.toString())).toBe('Atlantic');

    await page.locator(`[data-testid="answer"][data-message-id="${firstAnswerId}"]`).getByTestId('critique-button').click();
    const dialog = page.getByTestId('critique-dialog');
    await dialog.waitFor();
    const quoted = dialog.getByTestId('critique-span');
    expect(await quoted.locator('blockquote').textContent()).toBe('Atlantic');
    const start = ANSWER.indexOf('Atlantic');
    expect(await quoted.getAttribute('data-start')).toBe(String(start));
    expect(await quoted.getAttribute('data-end')).toBe(String(start + 'Atlantic'.length));
    await dialog.getByTestId('critique-text').fill('The Tagus flows into the Atlantic at Lisbon itself, not further west.');
    await screenshot(page, '06-feedback-critique-dialog');
    await dialog.getByTestId('critique-submit').click();
    await dialog.waitFor({ state: 'detached' });

    await expect.poll(() => feedbackOf(adaId).filter((f) => f.kind === 'critique').length).toBe(1);
    const critique = feedbackOf(adaId).find((f) => f.kind === 'critique');
    expect(critique).toMatchObject({ message_id: firstAnswerId, conversation_id: conversationId, annotator_role: 'interlocutor' });
    const p = payload(critique) as { span: { start: number; end: number }; text: string };
    expect(p.text).toBe('The Tagus flows into the Atlantic at Lisbon itself, not further west.');
    expect(ANSWER.slice(p.span.start, p.span.end)).toBe('Atlantic');
    expect(feedbackOf(adaId)).toHaveLength(3);
  });

  it("rates the pool: someone else's conversation from the queue, a thumbs and a ranking as a third party", async () => {
    await page.getByTestId('nav-rate').click();
    const item = page.getByTestId('queue-conversation');
    await item.waitFor();
    expect(await item.getAttribute('data-conversation-id')).toBe(bobConversation.id);
    expect(pool.get('SELECT * FROM queue_assignments WHERE contributor_id = ? AND conversation_id = ?', adaId, bobConversation.id)).toBeDefined();
    // The newest alternative is on screen; the ranking lists both.
    const shown = item.getByTestId('answer');
    expect(await shown.getAttribute('data-message-id')).toBe('bob-a2');
    expect(await item.getByTestId('ranking-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-message-id')))).toEqual(['bob-a1', 'bob-a2']);
    await screenshot(page, '07-rate-the-pool', true);

    await shown.getByTestId('thumbs-down').click();
    await item.getByTestId('ranking-item').first().getByTestId('rank-down').click();
    expect(await item.getByTestId('ranking-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-message-id')))).toEqual(['bob-a2', 'bob-a1']);
    await item.getByTestId('ranking-submit').click();

    await expect.poll(() => feedbackOf(adaId).filter((f) => f.conversation_id === bobConversation.id).length).toBe(2);
    const mine = feedbackOf(adaId).filter((f) => f.conversation_id === bobConversation.id);
    expect(mine.every((f) => f.annotator_role === 'third_party')).toBe(true);
    const thumbs = mine.find((f) => f.kind === 'thumbs');
    expect(thumbs?.message_id).toBe('bob-a2');
    expect(payload(thumbs).value).toBe('down');
    expect(payload(mine.find((f) => f.kind === 'ranking')).ranking).toEqual(['bob-a2', 'bob-a1']);
    // Bob's conversation itself is untouched.
    expect(messagesOf(bobConversation.id).map((m) => m.id).sort()).toEqual(['bob-a1', 'bob-a2', 'bob-q']);

    // Nothing else in the queue for me now.
    await page.getByTestId('queue-next').click();
    await page.getByTestId('queue-empty').waitFor();
  });

  it('sees my data: counts that match the pool, a delete that deletes, an export that holds it all', async () => {
    await page.getByTestId('nav-me').click();
    await page.getByTestId('stat-conversations').waitFor();
    const stat = async (id: string) => Number((await page.getByTestId(id).textContent())!.replace(/\D/g, ''));
    const dbCounts = () => ({
      conversations: pool.count('SELECT count(*) AS n FROM conversations WHERE contributor_id = ?', adaId),
      messages: pool.count('SELECT count(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.contributor_id = ?', adaId),
      feedback: pool.count('SELECT count(*) AS n FROM feedback WHERE contributor_id = ?', adaId),
      thirdParty: pool.count("SELECT count(*) AS n FROM feedback WHERE contributor_id = ? AND annotator_role = 'third_party'", adaId),
    });
    expect(dbCounts()).toEqual({ conversations: 1, messages: 4, feedback: 5, thirdParty: 2 });
    await expect.poll(() => stat('stat-feedback')).toBe(5);
    expect(await stat('stat-conversations')).toBe(1);
    expect(await stat('stat-messages')).toBe(4);
    expect(await stat('stat-third-party')).toBe(2);
    expect(await page.getByTestId('my-conversation').count()).toBe(1);
    await expect.poll(() => page.getByTestId('my-feedback-item').count()).toBe(5);
    expect(await page.getByTestId('current-licence').textContent()).toBe('CC-BY-SA-4.0');
    await screenshot(page, '08-my-data', true);

    // The same page in dark mode (the system's preference): a dark background, readable.
    await page.emulateMedia({ colorScheme: 'dark' });
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect((r! + g! + b!) / 3).toBeLessThan(80);
    await screenshot(page, '09-my-data-dark', true);
    await page.emulateMedia({ colorScheme: 'light' });

    // Delete one item: the critique.
    const critique = page.locator('[data-testid="my-feedback-item"][data-kind="critique"]');
    const critiqueId = await critique.getAttribute('data-feedback-id');
    expect(pool.get('SELECT id FROM feedback WHERE id = ?', critiqueId)).toBeDefined();
    await critique.getByTestId('delete-feedback').click();
    const confirm = page.getByTestId('delete-dialog');
    await confirm.waitFor();
    await confirm.getByTestId('delete-confirm').click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('my-feedback-item').count()).toBe(4);
    expect(pool.get('SELECT id FROM feedback WHERE id = ?', critiqueId)).toBeUndefined();
    expect(dbCounts()).toEqual({ conversations: 1, messages: 4, feedback: 4, thirdParty: 2 });
    await expect.poll(() => stat('stat-feedback')).toBe(4);

    // Export: one JSON document with everything the pool holds of mine.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    expect(download.suggestedFilename()).toBe('openfeedback-my-data.json');
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
      profile: { id: string; handle: string };
      consents: unknown[];
      queue: { conversation_id: string }[];
      conversations: { id: string; messages: { id: string; content: string }[] }[];
      feedback: { id: string }[];
    };
    expect(exported.profile).toMatchObject({ id: adaId, handle: 'ada' });
    expect(exported.consents).toHaveLength(1);
    expect(exported.queue.map((q) => q.conversation_id)).toEqual([bobConversation.id]);
    expect(exported.conversations.map((c) => c.id)).toEqual([conversationId]);
    expect(exported.conversations[0]!.messages.map((m) => m.id).sort()).toEqual(messagesOf(conversationId).map((m) => m.id).sort());
    expect(exported.feedback.map((f) => f.id).sort()).toEqual(feedbackOf(adaId).map((f) => f.id).sort());
    expect(exported.feedback.map((f) => f.id)).not.toContain(critiqueId);

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv-feedback').click()]);
    const lines = readFileSync((await csv.path())!, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]!.split(',').slice(0, 2)).toEqual(['id', 'kind']);
    expect(lines).toHaveLength(1 + 4);
  });

  it('withdraws consent: told copies already released cannot be recalled; everything of mine marked withdrawn; nothing more recorded', async () => {
    await page.getByTestId('withdraw-consent').click();
    const dialog = page.getByTestId('withdraw-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('withdraw-statement').textContent()).toBe('Copies already published in a release cannot be recalled.');
    await screenshot(page, '10-withdraw-dialog');
    await dialog.getByTestId('withdraw-confirm').click();
    await page.getByTestId('consent-withdrawn').waitFor();
    expect(await page.getByTestId('consent-section').getAttribute('data-consent-state')).toBe('withdrawn');

    const consent = pool.get<{ withdrawn_at: string | null }>('SELECT withdrawn_at FROM consents WHERE contributor_id = ?', adaId);
    expect(consent?.withdrawn_at).not.toBeNull();
    expect(pool.all<{ status: string }>('SELECT status FROM conversations WHERE contributor_id = ?', adaId).map((c) => c.status)).toEqual(['withdrawn']);
    expect(new Set(messagesOf(conversationId).map((m) => m.status))).toEqual(new Set(['withdrawn']));
    expect(new Set(feedbackOf(adaId).map((f) => f.status))).toEqual(new Set(['withdrawn']));
    // Bob's conversation is his: still active.
    expect(pool.get<{ status: string }>('SELECT status FROM conversations WHERE id = ?', bobConversation.id)?.status).toBe('active');

    // The chat now asks for consent again first; nothing new reaches the pool.
    const before = { m: pool.count('SELECT count(*) AS n FROM messages'), f: pool.count('SELECT count(*) AS n FROM feedback') };
    await page.getByTestId('nav-chat').click();
    await page.waitForURL(/\/consent\?next=/);
    await page.getByTestId('consent-form').waitFor();
    const sneaky = await page.evaluate(async (model) => (await fetch('/v1/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model_id: model, content: 'still there?' }) })).status, modelId);
    expect(sneaky).toBe(403);
    expect({ m: pool.count('SELECT count(*) AS n FROM messages'), f: pool.count('SELECT count(*) AS n FROM feedback') }).toEqual(before);
  });

  it('the admin screen: communities with their rubric, the model with a working connection test, pool counts that match', async () => {
    const adminContext = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB' });
    try {
      const p = await adminContext.newPage();
      await p.goto(`${server.url}/sign-in?next=/admin`);
      await p.getByTestId('handle').fill(server.admin.handle);
      await p.getByTestId('password').fill(server.admin.password);
      await p.getByTestId('auth-submit').click();
      await p.waitForURL(/\/admin$/);
      await p.getByTestId('pool-conversations').waitFor();
      expect(await p.getByTestId('community-row').count()).toBe(1);
      expect(await p.getByTestId('community-row').textContent()).toContain('1 rubric question');
      const row = p.locator(`[data-testid="model-row"][data-model-id="${modelId}"]`);
      await row.getByTestId('model-test').click();
      await expect.poll(() => row.locator('[data-ok]').getAttribute('data-ok'), { timeout: 10_000 }).toBe('true');
      const shown = async (id: string) => Number((await p.getByTestId(id).textContent())!.replace(/\D/g, ''));
      const stats = await new Api(server.url, server.admin.apiKey).ok<{ conversations: number; feedback: number }>('GET', '/v1/stats');
      expect(await shown('pool-conversations')).toBe(stats.conversations);
      expect(await shown('pool-feedback')).toBe(stats.feedback);
      await screenshot(p, '11-admin', true);
    } finally {
      await adminContext.close();
    }
  });
});
