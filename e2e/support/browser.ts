import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's chromium, driven by playwright-core (which downloads no browser). The flags keep it from
 * reaching the network on its own: this machine's network is closed, and a test must see only the
 * requests the page makes.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/**
 * Signs in through the app's own form as a person would (handle and password typed in), then waits
 * until the app has taken the visitor where `next` says (or shows their handle, without `next`).
 */
export async function signInThroughForm(page: Page, baseUrl: string, handle: string, password: string, next?: string): Promise<void> {
  await page.goto(next === undefined ? `${baseUrl}/sign-in` : `${baseUrl}/sign-in?next=${next}`);
  await page.getByTestId('sign-in-form').waitFor();
  await page.getByTestId('handle').fill(handle);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('auth-submit').click();
  if (next === undefined) await page.getByTestId('account-handle').filter({ hasText: `@${handle}` }).waitFor();
  else await page.waitForURL((url) => url.pathname === next);
}
