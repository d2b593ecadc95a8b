import { chromium, type Browser } from 'playwright-core';

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
