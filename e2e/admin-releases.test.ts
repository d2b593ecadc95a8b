import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, signInThroughForm } from './support/browser.js';
import { Api, personViaApi, PoolFile, screenshot, type MessageRow } from './support/pool.js';
import { startServer, type RunningServer } from './support/server.js';

/**
 * Running the pool's releases and moderation in the browser, against the real server (built web
 * app, fresh SQLite pool, releases built into a temporary folder): an admin makes a release and
 * reads what it holds; a person reports a message from their own conversation; the admin upholds
 * the report in the takedown queue and finds it in the audit log; another person deletes their
 * account from "My data". After each step the test reads the pool file itself.
 */

const DESKTOP = { width: 1280, height: 900 };
const PASSWORD = (handle: string) => `${handle} has a long passphrase`; // as personViaApi signs people up
const OPEN_LICENCES = ['CC0-1.0', 'CC-BY-4.0', 'CC-BY-SA-4.0'];
const REPORT_DETAILS = 'The answer repeats my home address from a message I sent by mistake.';
const UPHOLD_REASON = 'Personal data of the reporter: removed under the privacy policy.';

interface ReleaseBody {
  version: string;
  status: string;
  error: string | null;
  manifest: {
    records: { conversations: number; messages: number; feedback: number };
    excluded: { unresolved_licence: { conversations: number; feedback: number } };
    licences: Record<string, number>;
    removals: Record<string, number>;
    files: { path: string }[];
  } | null;
}

let releasesDir: string;
let server: RunningServer;
let pool: PoolFile;
let browser: Browser;
let adminContext: BrowserContext;
let personContext: BrowserContext;
let adminPage: Page;
let personPage: Page;
let admin: Api;
let communityId: string;
let carol: { api: Api; id: string };
let dave: { api: Api; id: string };
let carolConversation: string;
let daveConversations: string[];
let reportId: string;

const messagesOf = (conversation: string) => pool.all<MessageRow>('SELECT * FROM messages WHERE conversation_id = ? ORDER BY created_at, id', conversation);
/** Scrolls the page so that the element is at the top, under the header, for a screenshot of it. */
const toTop = (page: Page, testId: string) =>
  page.getByTestId(testId).evaluate((el) => window.scrollTo({ top: el.getBoundingClientRect().top + window.scrollY - 70, behavior: 'instant' }));
const number = async (page: Page, selector: string) => Number(((await page.locator(selector).textContent()) ?? '').replace(/\D/g, ''));

const signIn = (page: Page, handle: string, password: string) => signInThroughForm(page, server.url, handle, password);

/** What the release row on screen says, read back from its testids. */
async function shownRelease(page: Page, version: string) {
  const row = page.locator(`[data-testid="release-row"][data-version="${version}"]`);
  const counts = async (testId: string, attr: string) =>
    Object.fromEntries(await row.getByTestId(testId).evaluateAll((els, a) => els.map((el) => [el.getAttribute(a), Number(el.getAttribute('data-count'))]), attr));
  return {
    records: {
      conversations: await number(page, `[data-testid="release-row"][data-version="${version}"] [data-testid="release-conversations"]`),
      messages: await number(page, `[data-testid="release-row"][data-version="${version}"] [data-testid="release-messages"]`),
      feedback: await number(page, `[data-testid="release-row"][data-version="${version}"] [data-testid="release-feedback"]`),
    },
    unresolved: {
      conversations: await number(page, `[data-testid="release-row"][data-version="${version}"] [data-testid="release-unresolved-conversations"]`),
      feedback: await number(page, `[data-testid="release-row"][data-version="${version}"] [data-testid="release-unresolved-feedback"]`),
    },
    licences: await counts('release-licence', 'data-licence'),
    removals: await counts('release-removal', 'data-reason'),
  };
}

beforeAll(async () => {
  releasesDir = mkdtempSync(join(tmpdir(), 'openfeedback-e2e-releases-'));
  server = await startServer({ OPENFEEDBACK_RELEASES_DIR: releasesDir });
  pool = new PoolFile(server.db);
  admin = new Api(server.url, server.admin.apiKey);
  const community = await admin.ok<{ id: string }>('POST', '/v1/communities', { slug: 'geography', name: 'Geography', kind: 'domain', languages: ['en'] });
  communityId = community.id;
  // A model whose outputs may be released under any licence a person chooses, and one that says nothing.
  const open = await admin.ok<{ id: string }>('POST', '/v1/models', { slug: 'geo-pool', name: 'Geography pool', community_id: communityId, base_url: null, model_name: 'pool', output_licences: OPEN_LICENCES });
  const silent = await admin.ok<{ id: string }>('POST', '/v1/models', { slug: 'geo-silent', name: 'Silent pool', community_id: communityId, base_url: null, model_name: 'pool' });

  carol = await personViaApi(server.url, 'carol');
  carolConversation = (
    await carol.api.ok<{ id: string }>('POST', '/v1/conversations', {
      community_id: communityId,
      messages: [
        { id: 'carol-q', role: 'user', content: 'Which river runs through Lisbon?' },
        { id: 'carol-a', parent_id: 'carol-q', role: 'assistant', content: 'The Tagus runs through Lisbon into the Atlantic.', model_id: open.id },
        { id: 'carol-q2', parent_id: 'carol-a', role: 'user', content: 'And through Porto?' },
        { id: 'carol-a2', parent_id: 'carol-q2', role: 'assistant', content: 'The Douro.', model_id: open.id },
      ],
    })
  ).id;
  await carol.api.ok('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: carolConversation, message_id: 'carol-a', value: 'up' });

  dave = await personViaApi(server.url, 'dave');
  daveConversations = [
    (
      await dave.api.ok<{ id: string }>('POST', '/v1/conversations', {
        community_id: communityId,
        messages: [
          { id: 'dave-q', role: 'user', content: 'What is the longest river in Portugal?' },
          { id: 'dave-a', parent_id: 'dave-q', role: 'assistant', content: 'The Tagus, about 1,000 km long.' },
        ],
      })
    ).id,
    // Answered by a model that declares no licence for its outputs: left out of releases.
    (
      await dave.api.ok<{ id: string }>('POST', '/v1/conversations', {
        community_id: communityId,
        messages: [
          { id: 'dave-q2', role: 'user', content: 'Name a river in Spain.' },
          { id: 'dave-a2', parent_id: 'dave-q2', role: 'assistant', content: 'The Ebro.', model_id: silent.id },
        ],
      })
    ).id,
  ];
  await dave.api.ok('POST', '/v1/feedback', { kind: 'thumbs', conversation_id: daveConversations[0], message_id: 'dave-a', value: 'down' });

  // Enough audit entries for a second page of the log (50 a page).
  for (let i = 0; i < 50; i++) await admin.ok('POST', '/v1/communities', { slug: `extra-${i}`, name: `Extra ${i}`, kind: 'language', languages: ['en'] });

  browser = await launchChromium();
  adminContext = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', colorScheme: 'light' });
  personContext = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', colorScheme: 'light' });
  adminPage = await adminContext.newPage();
  personPage = await personContext.newPage();
  adminPage.setDefaultTimeout(10_000);
  personPage.setDefaultTimeout(10_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  pool?.close();
  await server?.stop();
  if (releasesDir) rmSync(releasesDir, { recursive: true, force: true });
});

describe('releases, takedowns and the audit log, in the browser', () => {
  it('an admin signs in and finds releases, the takedown queue and the audit log on the admin page', async () => {
    await signIn(adminPage, server.admin.handle, server.admin.password);
    await adminPage.getByTestId('nav-admin').click();
    await adminPage.waitForURL(/\/admin$/);
    await adminPage.getByTestId('releases-section').waitFor();
    await adminPage.getByTestId('takedowns-section').waitFor();
    await adminPage.getByTestId('audit-section').waitFor();
    // The page that existed keeps working: communities and models.
    await expect.poll(() => adminPage.getByTestId('community-row').count()).toBe(51);
    await expect.poll(() => adminPage.getByTestId('model-row').count()).toBe(2);
    expect(await adminPage.getByTestId('release-row').count()).toBe(0);
    await adminPage.getByTestId('takedowns-empty').waitFor();
  });

  it('makes a release: building… until built, and the counts shown are the manifest’s and the pool’s', async () => {
    const form = adminPage.getByTestId('release-create-form');
    // Every status line the form shows while the release is made.
    await adminPage.evaluate(() => {
      const w = window as unknown as { __said: string[] };
      w.__said = [];
      new MutationObserver(() => {
        const said = document.querySelector('[data-testid="release-create-form"] [role="status"]')?.textContent?.trim() ?? '';
        if (said !== '' && w.__said.at(-1) !== said) w.__said.push(said);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await form.getByTestId('release-version').fill('e2e-1');
    await form.getByTestId('release-create').click();
    const row = adminPage.locator('[data-testid="release-row"][data-version="e2e-1"]');
    await row.waitFor();
    await adminPage.locator('[data-testid="release-row"][data-version="e2e-1"][data-status="built"]').waitFor({ timeout: 30_000 });
    await form.getByTestId('release-built').waitFor();
    expect(await form.getByTestId('release-built').textContent()).toBe('Release e2e-1 is built.');
    expect(await form.getByTestId('release-create').isEnabled()).toBe(true);
    expect(await adminPage.evaluate(() => (window as unknown as { __said: string[] }).__said)).toEqual(['Building release e2e-1…', 'Release e2e-1 is built.']);
    expect(await row.getByTestId('release-status').textContent()).toBe('built');

    const release = await admin.ok<ReleaseBody>('GET', '/v1/releases/e2e-1');
    expect(release.status).toBe('built');
    const m = release.manifest!;
    const shown = await shownRelease(adminPage, 'e2e-1');
    expect(shown.records).toEqual(m.records);
    expect(shown.unresolved).toEqual(m.excluded.unresolved_licence);
    expect(shown.licences).toEqual(m.licences);
    expect(shown.removals).toEqual(m.removals);
    // What went in: carol's conversation and dave's first (4 + 2 messages, a thumbs each); dave's
    // second waits for its model's licence.
    expect(m.records).toEqual({ conversations: 2, messages: 6, feedback: 2 });
    expect(m.excluded.unresolved_licence.conversations).toBe(1);
    expect(Object.keys(m.licences)).toEqual(['CC-BY-4.0']); // carol's and dave's licence

    const stored = pool.get<{ status: string; error: string | null; manifest: string }>('SELECT * FROM releases WHERE version = ?', 'e2e-1');
    expect(stored).toMatchObject({ status: 'built', error: null });
    expect(JSON.parse(stored!.manifest).records).toEqual(m.records);

    // The files it links to download.
    for (const [testId, path] of [
      ['release-file-readme', 'README.md'],
      ['release-file-openness', 'OPENNESS.md'],
      ['release-file-manifest', 'manifest.json'],
    ] as const) {
      const href = await row.getByTestId(testId).getAttribute('href');
      expect(href).toBe(`/v1/releases/e2e-1/files/${path}`);
      const response = await fetch(server.url + href);
      expect(response.status, path).toBe(200);
    }
    await toTop(adminPage, 'releases-section');
    await screenshot(adminPage, 'admin-releases');
  });

  it('shows why a release cannot be made, as an alert, and why publishing to the Hub failed', async () => {
    const form = adminPage.getByTestId('release-create-form');
    await form.getByTestId('release-version').fill('e2e-1');
    await form.getByTestId('release-create').click();
    const error = form.getByTestId('release-error');
    await error.waitFor();
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await error.textContent()).toContain('already exists');
    expect(pool.count('SELECT count(*) AS n FROM releases')).toBe(1);

    // This server has no Hub repository configured: the button says so rather than failing silently.
    const row = adminPage.locator('[data-testid="release-row"][data-version="e2e-1"]');
    await row.getByTestId('release-publish').click();
    const publishError = row.getByTestId('release-publish-error');
    await publishError.waitFor();
    expect(await publishError.getAttribute('role')).toBe('alert');
    expect(await publishError.textContent()).toContain('OPENFEEDBACK_HUB_REPO');
  });

  it('a person reports an answer of their own conversation through the Report dialog', async () => {
    await signIn(personPage, 'carol', PASSWORD('carol'));
    await personPage.goto(`${server.url}/chat/${carolConversation}`);
    const answer = personPage.locator('[data-testid="answer"][data-message-id="carol-a"]');
    await answer.waitFor();
    // Every stored turn, asked or answered, can be reported; the feedback tools are unchanged.
    expect(await personPage.getByTestId('report-button').count()).toBe(4);
    expect(await answer.getByTestId('flag-button').count()).toBe(1);
    await answer.getByTestId('report-button').click();
    const dialog = personPage.getByTestId('report-dialog');
    await dialog.waitFor();
    // Focus is in the dialog (on the first reason), and nothing is sent without a reason and details.
    expect(await personPage.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('report-reason-privacy');
    await dialog.getByTestId('report-submit').click();
    expect(await dialog.getByTestId('report-details').evaluate((el) => (el as HTMLTextAreaElement).validity.valid)).toBe(false);
    expect(pool.count('SELECT count(*) AS n FROM takedown_reports')).toBe(0);

    await dialog.getByTestId('report-reason-privacy').check();
    await dialog.getByTestId('report-details').fill(REPORT_DETAILS);
    await screenshot(personPage, 'report-dialog');
    await dialog.getByTestId('report-submit').click();
    await dialog.getByTestId('report-done').waitFor();
    expect(await dialog.getByTestId('report-done').textContent()).toContain('A moderator will decide');

    const reports = pool.all<{ id: string; conversation_id: string; message_id: string; reason: string; details: string; reporter_id: string; status: string }>('SELECT * FROM takedown_reports');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ conversation_id: carolConversation, message_id: 'carol-a', reason: 'privacy', details: REPORT_DETAILS, reporter_id: carol.id, status: 'open' });
    reportId = reports[0]!.id;
    // A report is not feedback: no flag was recorded.
    expect(pool.count("SELECT count(*) AS n FROM feedback WHERE kind = 'flag'")).toBe(0);

    await dialog.getByTestId('report-close').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('the admin upholds the report in the queue, with a reason: the answer and what follows leave the pool', async () => {
    await adminPage.reload();
    const row = adminPage.locator(`[data-testid="takedown-row"][data-report-id="${reportId}"]`);
    await row.waitFor();
    expect(await row.getByTestId('takedown-details').textContent()).toBe(REPORT_DETAILS);
    expect(await row.getByTestId('takedown-conversation').textContent()).toBe(carolConversation);
    expect(await row.getByTestId('takedown-message').textContent()).toBe('carol-a');
    await row.locator('summary').click();
    await row.getByTestId('takedown-record').filter({ hasText: 'The Tagus runs through Lisbon' }).waitFor();
    await toTop(adminPage, 'takedowns-section');
    await screenshot(adminPage, 'takedown-queue');

    // A decision without its reason is not sent.
    await row.getByTestId('takedown-uphold').click();
    expect(await row.getByTestId('takedown-reason-input').evaluate((el) => (el as HTMLTextAreaElement).validity.valid)).toBe(false);
    expect(pool.get<{ status: string }>('SELECT status FROM takedown_reports WHERE id = ?', reportId)?.status).toBe('open');

    await row.getByTestId('takedown-reason-input').fill(UPHOLD_REASON);
    await row.getByTestId('takedown-uphold').click();
    await row.waitFor({ state: 'detached' });
    await adminPage.getByTestId('takedowns-empty').waitFor();

    expect(pool.get('SELECT status, decision_reason, decided_by FROM takedown_reports WHERE id = ?', reportId)).toEqual({ status: 'upheld', decision_reason: UPHOLD_REASON, decided_by: pool.get<{ id: string }>("SELECT id FROM contributors WHERE handle = 'admin'")!.id });
    const statuses = Object.fromEntries(messagesOf(carolConversation).map((msg) => [msg.id, msg.status]));
    // The reported answer and the turns after it are removed; the question before it stays.
    expect(statuses).toEqual({ 'carol-q': 'active', 'carol-a': 'removed', 'carol-q2': 'removed', 'carol-a2': 'removed' });
    expect(pool.get<{ status: string }>("SELECT status FROM feedback WHERE message_id = 'carol-a'")?.status).toBe('removed');
  });

  it('the audit log shows the decision with its reason and the release, 50 entries a page', async () => {
    const section = adminPage.getByTestId('audit-section');
    const uphold = section.locator('[data-testid="audit-row"][data-action="takedown.uphold"]');
    await uphold.waitFor();
    expect(await uphold.getByTestId('audit-reason').textContent()).toBe(UPHOLD_REASON);
    expect(await uphold.getAttribute('data-target-id')).toBe('carol-a');
    const create = section.locator('[data-testid="audit-row"][data-action="release.create"]');
    expect(await create.count()).toBe(1);
    expect(await create.getAttribute('data-target-id')).toBe('e2e-1');
    // The newest first: the decision heads the log.
    expect(await section.getByTestId('audit-row').first().getAttribute('data-action')).toBe('takedown.uphold');

    const inLog = pool.count('SELECT count(*) AS n FROM audit_log');
    expect(inLog).toBeGreaterThan(50);
    expect(await section.getByTestId('audit-row').count()).toBe(50);
    await toTop(adminPage, 'audit-section');
    await screenshot(adminPage, 'audit-log');
    await section.getByTestId('audit-more').click();
    await expect.poll(() => section.getByTestId('audit-row').count()).toBe(Math.min(inLog, 100));
    // The oldest entry, the first community, is on the second page.
    expect(await section.getByTestId('audit-row').last().getAttribute('data-action')).toBe('community.create');
    expect(await section.getByTestId('audit-row').last().getAttribute('data-target-id')).toBe(communityId);
  });

  it('a person deletes their account from My data: signed out, and nothing of theirs is left', async () => {
    await personPage.getByTestId('sign-out').click();
    await personPage.waitForURL(/\/sign-in/);
    await signIn(personPage, 'dave', PASSWORD('dave'));
    await personPage.goto(`${server.url}/me`);
    await personPage.getByTestId('delete-account').click();
    const dialog = personPage.getByTestId('delete-account-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('delete-account-statement').textContent()).toBe('Copies already published in a release cannot be recalled.');
    expect(await personPage.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('delete-account-handle');
    // Only the handle itself unlocks the button.
    expect(await dialog.getByTestId('delete-account-confirm').isDisabled()).toBe(true);
    await dialog.getByTestId('delete-account-handle').fill('carol');
    expect(await dialog.getByTestId('delete-account-confirm').isDisabled()).toBe(true);
    await dialog.getByTestId('delete-account-handle').fill('dave');
    expect(await dialog.getByTestId('delete-account-confirm').isEnabled()).toBe(true);
    await screenshot(personPage, 'delete-account-dialog');
    expect(pool.count('SELECT count(*) AS n FROM contributors WHERE id = ?', dave.id)).toBe(1);

    await dialog.getByTestId('delete-account-confirm').click();
    await personPage.waitForURL(/\/sign-in$/);
    const notice = personPage.getByTestId('account-deleted-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('conversations: 2, messages: 4, feedback: 1');
    await personPage.getByTestId('sign-in-form').waitFor();
    expect(await personPage.getByTestId('account-handle').count()).toBe(0);

    expect(pool.count('SELECT count(*) AS n FROM contributors WHERE id = ?', dave.id)).toBe(0);
    expect(pool.count('SELECT count(*) AS n FROM conversations WHERE contributor_id = ?', dave.id)).toBe(0);
    for (const id of daveConversations) expect(pool.count('SELECT count(*) AS n FROM messages WHERE conversation_id = ?', id)).toBe(0);
    expect(pool.count('SELECT count(*) AS n FROM feedback WHERE contributor_id = ?', dave.id)).toBe(0);
    // The old session is over.
    expect((await dave.api.request('GET', '/v1/me')).status).toBe(401);
  });

  it('the next release lists what was removed since the first, as the manifest does', async () => {
    const form = adminPage.getByTestId('release-create-form');
    await form.getByTestId('release-version').fill('e2e-2');
    await form.getByTestId('release-create').click();
    await adminPage.locator('[data-testid="release-row"][data-version="e2e-2"][data-status="built"]').waitFor({ timeout: 30_000 });
    // Newest first.
    expect(await adminPage.getByTestId('release-row').first().getAttribute('data-version')).toBe('e2e-2');
    const m = (await admin.ok<ReleaseBody>('GET', '/v1/releases/e2e-2')).manifest!;
    const shown = await shownRelease(adminPage, 'e2e-2');
    expect(shown.records).toEqual(m.records);
    expect(shown.removals).toEqual(m.removals);
    expect(Object.keys(m.removals).sort()).toEqual(['deleted', 'takedown']);
    // Only the question carol kept is left.
    expect(m.records).toEqual({ conversations: 1, messages: 1, feedback: 0 });
    expect(pool.get<{ status: string }>('SELECT status FROM releases WHERE version = ?', 'e2e-2')?.status).toBe('built');
  });
});
