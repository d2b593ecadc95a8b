// Builds the runnable program: one ES module bundling core, server and CLI (TypeScript compiled by
// esbuild), with every npm dependency left external; then the web app (Vite, packages/web/dist),
// unless its build is newer than its sources. Type checking is `npm run typecheck`.
//   --web    only the web app      --force  rebuild the web app even when it looks up to date
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const manifests = ['package.json', 'packages/core/package.json', 'packages/server/package.json', 'packages/cli/package.json'].map((p) =>
  JSON.parse(readFileSync(new URL(p, root), 'utf8')),
);
const workspace = new Set(manifests.map((m) => m.name));
const external = [...new Set(manifests.flatMap((m) => Object.keys({ ...m.dependencies, ...m.optionalDependencies })))].filter((d) => !workspace.has(d));

const webOnly = process.argv.includes('--web');
const force = process.argv.includes('--force');

if (!webOnly) await buildProgram();
await buildWebApp();

async function buildProgram() {
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
}

/** The newest modification time under `path` (a file or a folder, recursively), in ms. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(`${path}/${name}`)));
}

/**
 * The web app: skipped when packages/web/dist is newer than every source of it (a warm
 * `npm start` stays fast); Vite takes a few seconds otherwise.
 */
async function buildWebApp() {
  const web = fileURLToPath(new URL('packages/web/', root));
  const built = `${web}dist/index.html`;
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => newest(`${web}${p}`));
  if (!force && existsSync(built) && statSync(built).mtimeMs > Math.max(...sources)) {
    console.log('web app up to date: packages/web/dist');
    return;
  }
  // Vite picks React's build and packages' "development"/"production" exports by NODE_ENV, which
  // vitest sets to "test" before its global setup runs this script.
  process.env.NODE_ENV = 'production';
  let vite;
  try {
    vite = await import('vite');
  } catch {
    console.warn('vite is not installed: the web app is not built (the server will send / to /docs)');
    return;
  }
  const started = performance.now();
  await vite.build({ configFile: `${web}vite.config.ts`, logLevel: 'warn' });
  precompress(`${web}dist`);
  console.log(`built packages/web/dist in ${Math.round(performance.now() - started)} ms`);
}

/**
 * Gzip and Brotli copies of the built text files, served as they are by @fastify/static
 * (`preCompressed`): browsers download the app compressed, and the server compresses nothing at
 * request time (the API's own responses stay uncompressed and cheap).
 */
function precompress(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath ?? entry.path, entry.name);
    if (!entry.isFile() || !/\.(js|css|html|svg|json|txt)$/.test(entry.name)) continue;
    const bytes = readFileSync(path);
    writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
    writeFileSync(`${path}.br`, brotliCompressSync(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }));
  }
}
