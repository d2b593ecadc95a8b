/**
 * First token to the page: a local fake OpenAI-compatible endpoint streams an answer through the
 * real server to the web app in Debian's chromium; for each answer, the time from the endpoint
 * writing its first token (Date.now() in the endpoint) to the page showing it (the app's
 * `openfeedback:first-token-shown` mark, on the same clock). Aim: ≤ 50 ms.
 * Run: npx tsx bench/first-token.ts [answers]
 */
import { launchChromium } from '../e2e/support/browser.js';
import { startServer } from '../e2e/support/server.js';
import { startFakeOpenAi } from '../packages/server/test/support/fake-openai.js';

const ANSWERS = Number(process.argv[2] ?? 15);

export async function benchFirstToken(answers = ANSWERS): Promise<{ samples: number[]; median: number; p95: number; max: number }> {
  const fake = await startFakeOpenAi();
  fake.behave('bench-model', { kind: 'stream', tokens: Array.from({ length: 40 }, (_, i) => ` token${i}`), delayMs: 5 });
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const api = (path: string, body: object) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${server.admin.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ id: string }>);
    const community = await api('/v1/communities', { slug: 'bench', name: 'Bench', kind: 'domain' });
    await api('/v1/models', { slug: 'bench-model', name: 'Bench model', community_id: community.id, base_url: fake.url, model_name: 'bench-model' });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.request.post(`${server.url}/v1/accounts`, { data: { handle: 'bencher', password: 'a long enough password' } });
    const terms = (await (await page.request.get(`${server.url}/v1/consent/terms`)).json()) as { version: string };
    await page.request.post(`${server.url}/v1/consent`, { data: { terms_version: terms.version, adult_confirmed: true, licence: 'CC0-1.0', attribution: 'none' } });
    const samples: number[] = [];
    for (let i = 0; i < answers + 2; i++) {
      await page.goto(`${server.url}/chat`);
      await page.getByTestId('community-select').selectOption(community.id);
      await page.getByTestId('model-select').selectOption({ label: 'Bench model' }).catch(async () => page.getByTestId('model-select').selectOption({ index: 1 }));
      await page.evaluate(() => performance.clearMarks());
      const before = fake.sentAt.length;
      await page.getByTestId('composer-text').fill(`Question ${i}: how do rivers meander?`);
      await page.getByTestId('send').click();
      await page.waitForFunction(() => performance.getEntriesByName('openfeedback:first-token-shown').length > 0, null, { timeout: 10_000 });
      const shownAt = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByName('openfeedback:first-token-shown')[0]!.startTime);
      await page.locator('[data-testid="answer"][data-state="done"]').last().waitFor({ timeout: 10_000 });
      if (i >= 2) samples.push(shownAt - fake.sentAt[before]!); // the first two warm the page up
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { samples, median: at(0.5), p95: at(0.95), max: sorted.at(-1)! };
  } finally {
    await browser.close();
    await server.stop();
    await fake.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchFirstToken();
  console.log(`first token, endpoint → page, ${r.samples.length} answers: median ${r.median.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`);
}
