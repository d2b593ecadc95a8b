#!/usr/bin/env node
// Runs the built bundle (`npm run build`, done by npm install, start, test and bench). Without one,
// it runs the TypeScript sources through tsx, which is slower to start.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/openfeedback.mjs', import.meta.url);
let main;
if (existsSync(bundle)) {
  ({ main } = await import(bundle.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
process.exitCode = await main(process.argv);
