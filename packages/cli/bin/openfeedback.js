#!/usr/bin/env node
// Runs the built bundle (`npm run build`: done by npm install, start, test and bench). When there is
// none, or a source file changed after it was built, it runs the TypeScript sources through tsx
// instead (slower to start, never stale).
import { existsSync, readdirSync, statSync } from 'node:fs';

const bundle = new URL('../dist/openfeedback.mjs', import.meta.url);
const sources = ['core', 'server', 'cli'].map((p) => new URL(`../../${p}/src/`, import.meta.url));

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const fresh = existsSync(bundle) && sources.every((dir) => !existsSync(dir) || newestSource(dir) <= statSync(bundle).mtimeMs);
let main;
if (fresh) {
  ({ main } = await import(bundle.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
process.exitCode = await main(process.argv);
