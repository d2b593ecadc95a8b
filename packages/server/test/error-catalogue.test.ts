import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../src/errors.js';

const root = new URL('../../../', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the error catalogue', () => {
  it('is documented in docs/errors.md with the same codes and statuses', () => {
    const doc = readFileSync(join(root, 'docs/errors.md'), 'utf8');
    const documented = Object.fromEntries([...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]));
    const catalogue = Object.fromEntries(Object.entries(ERROR_CATALOGUE).map(([code, e]) => [code, e.status]));
    expect(documented).toEqual(catalogue);
  });

  it('gives every code a 4xx or 5xx status and a description', () => {
    for (const [code, e] of Object.entries(ERROR_CATALOGUE)) {
      expect(e.status, code).toBeGreaterThanOrEqual(400);
      expect(e.status, code).toBeLessThan(600);
      expect(e.description.length, code).toBeGreaterThan(10);
    }
  });

  it('holds no code that the server never produces', () => {
    const sources = sourceFiles(join(root, 'packages/server/src'))
      .filter((f) => !f.endsWith('errors.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unused = Object.keys(ERROR_CATALOGUE).filter((code) => !sources.includes(`'${code}'`));
    expect(unused).toEqual([]);
  });
});
