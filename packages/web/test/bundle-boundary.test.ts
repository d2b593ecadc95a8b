import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
const sources = files(SRC).filter((f) => /\.tsx?$/.test(f));
/** The code of a file without its comments (which may name what the code must not do). */
const code = (f: string) => readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

describe('what the web app may import', () => {
  it('takes only types from @openfeedback/core, so that its schemas (zod) stay out of the browser bundle', () => {
    const offenders = sources.filter((f) => /import\s+(?!type\b)[^;]*from\s+['"]@openfeedback\/core['"]/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('never renders raw HTML', () => {
    const offenders = sources.filter((f) => /dangerouslySetInnerHTML|rehype-raw|innerHTML\s*=/.test(code(f)));
    expect(offenders).toEqual([]);
  });

  it('talks to the server only through the HTTP API (no deep imports of other packages)', () => {
    const offenders = sources.filter((f) => /from\s+['"](\.\.\/)+(server|core|cli)\/|@openfeedback\/(server|cli)/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
