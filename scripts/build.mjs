// Builds the runnable program: one ES module bundling core, server and CLI (TypeScript compiled by
// esbuild), with every npm dependency left external. Type checking is `npm run typecheck`.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const manifests = ['package.json', 'packages/core/package.json', 'packages/server/package.json', 'packages/cli/package.json'].map((p) =>
  JSON.parse(readFileSync(new URL(p, root), 'utf8')),
);
const workspace = new Set(manifests.map((m) => m.name));
const external = [...new Set(manifests.flatMap((m) => Object.keys({ ...m.dependencies, ...m.optionalDependencies })))].filter((d) => !workspace.has(d));

const started = performance.now();
await build({
  entryPoints: [new URL('packages/cli/src/main.ts', root).pathname],
  outfile: new URL('packages/cli/dist/openfeedback.mjs', root).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  external: [...external, ...external.map((d) => `${d}/*`)],
  logLevel: 'warning',
});
console.log(`built packages/cli/dist/openfeedback.mjs in ${Math.round(performance.now() - started)} ms`);
