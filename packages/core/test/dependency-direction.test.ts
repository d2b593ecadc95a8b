import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;

function imports(dir: string): { file: string; spec: string }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return imports(path);
    if (!path.endsWith('.ts')) return [];
    const text = readFileSync(path, 'utf8');
    return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => ({ file: path.slice(root.length), spec: m[1]! }));
  });
}

/** Core's public entry points, as its package.json exports them (`@openfeedback/core`, `@openfeedback/core/privacy`). */
const CORE_ENTRIES = Object.keys((JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8')) as { exports: Record<string, string> }).exports).map((e) => `@openfeedback/core${e.slice(1)}`);

/** The layers of DESIGN.md, checked: each package depends only on the ones above it, through their public entry points. */
describe('dependency direction', () => {
  it('reads the imports it checks', () => {
    expect(CORE_ENTRIES).toEqual(['@openfeedback/core', '@openfeedback/core/privacy']);
    const server = imports(join(root, 'packages/server/src'));
    expect(server.length).toBeGreaterThan(100);
    expect(server).toContainEqual({ file: 'packages/server/src/services/feedback.ts', spec: '@openfeedback/core' });
    expect(imports(join(root, 'packages/core/src'))).toContainEqual({ file: 'packages/core/src/feedback.ts', spec: 'zod' });
  });

  it('core imports nothing of the other packages and does no I/O', () => {
    const bad = imports(join(root, 'packages/core/src')).filter(({ spec }) => spec.startsWith('@openfeedback/') || spec.startsWith('node:') || spec === 'kysely' || spec === 'fastify');
    expect(bad).toEqual([]);
  });

  it('the server reaches core only through its entry point', () => {
    const bad = imports(join(root, 'packages/server/src')).filter(({ spec }) => spec.includes('packages/core') || (spec.startsWith('@openfeedback/') && !CORE_ENTRIES.includes(spec)));
    expect(bad).toEqual([]);
  });

  it('the store does not know the services or the HTTP layer, and the services do not know HTTP', () => {
    const store = imports(join(root, 'packages/server/src/store')).filter(({ spec }) => spec.includes('/services/') || spec.includes('/http/'));
    const services = imports(join(root, 'packages/server/src/services')).filter(({ spec }) => spec.includes('/http/'));
    expect([...store, ...services]).toEqual([]);
  });

  it('the command reaches the server and core only through their entry points', () => {
    const bad = imports(join(root, 'packages/cli/src')).filter(({ spec }) => spec.includes('packages/') || spec.includes('../server') || (spec.startsWith('@openfeedback/') && !['@openfeedback/server', ...CORE_ENTRIES].includes(spec)));
    expect(bad).toEqual([]);
  });
});
