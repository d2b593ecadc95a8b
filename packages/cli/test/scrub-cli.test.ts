import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `openfeedback scrub`, run as a user runs it: `node bin/openfeedback.js scrub …` (the built bundle,
 * or the TypeScript sources through tsx when they are newer: the bin decides, the test does not
 * care), reading a file or standard input.
 */
const BIN = fileURLToPath(new URL('../bin/openfeedback.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OPENFEEDBACK_')) env[k] = v;
  return env;
}

/** Runs the command with `stdin` written to its standard input (closed at once when absent). */
function run(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: root, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'openfeedback-scrub-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TEXT = [
  'Hi! 😀 I am Ana, write to ana.silva@example.pt or call +44 20 7946 0958.',
  'Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, server 192.168.1.10.',
  'My key: sk-proj-Zx81kP0qLmN3vB7cR5tY2wQ9eA4sD6fG — version 1.2.3, on 2024-05-01.',
  '',
].join('\n');

const SCRUBBED = [
  'Hi! 😀 I am Ana, write to [EMAIL] or call [PHONE].',
  'Card [CARD], IBAN [IBAN], server [IP].',
  'My key: [SECRET] — version 1.2.3, on 2024-05-01.',
  '',
].join('\n');

describe('openfeedback scrub', () => {
  it('is documented in --help, and listed by the program', async () => {
    const [help, program] = await Promise.all([run(['scrub', '--help']), run(['--help'])]);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: openfeedback scrub [options] [file]');
    expect(help.stdout).toContain('--json');
    expect(help.stdout).toContain('standard input');
    expect(program.stdout).toMatch(/^\s+scrub\b/m);
  });

  it('prints the text of a file with typed placeholders, and only that', async () => {
    const file = join(root, 'chat.txt');
    writeFileSync(file, TEXT);
    const r = await run(['scrub', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(SCRUBBED);
    expect(r.stderr).toBe('');
  });

  it('reads standard input with "-" or with no argument', async () => {
    const [dash, none] = await Promise.all([run(['scrub', '-'], TEXT), run(['scrub'], TEXT)]);
    for (const r of [dash, none]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(SCRUBBED);
    }
  });

  it('--json prints the scrubbed text, the counts and the spans as offsets into the input (UTF-16)', async () => {
    const r = await run(['scrub', '--json'], TEXT);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { text: string; removed: Record<string, number>; spans: { kind: string; start: number; end: number }[] };
    expect(Object.keys(out).sort()).toEqual(['removed', 'spans', 'text']);
    expect(out.text).toBe(SCRUBBED);
    expect(out.removed).toEqual({ email: 1, phone: 1, payment_card: 1, iban: 1, ip_address: 1, secret: 1 });
    expect(out.spans.map((s) => [s.kind, TEXT.slice(s.start, s.end)])).toEqual([
      ['email', 'ana.silva@example.pt'],
      ['phone', '+44 20 7946 0958'],
      ['payment_card', '4111 1111 1111 1111'],
      ['iban', 'DE89 3704 0044 0532 0130 00'],
      ['ip_address', '192.168.1.10'],
      ['secret', 'sk-proj-Zx81kP0qLmN3vB7cR5tY2wQ9eA4sD6fG'],
    ]);
    for (const s of out.spans) expect(Object.keys(s).sort()).toEqual(['end', 'kind', 'start']);
  });

  it('changes nothing in text already scrubbed, or without personal data', async () => {
    const [again, clean] = await Promise.all([run(['scrub', '--json'], SCRUBBED), run(['scrub'], 'Nothing here: v1.2.3.4, 2024-05-01, ISBN 978-3-16-148410-0.\n')]);
    expect(JSON.parse(again.stdout)).toEqual({ text: SCRUBBED, removed: {}, spans: [] });
    expect(clean.stdout).toBe('Nothing here: v1.2.3.4, 2024-05-01, ISBN 978-3-16-148410-0.\n');
  });

  it('fails with a message when the file cannot be read', async () => {
    const r = await run(['scrub', join(root, 'missing.txt')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^openfeedback: .*missing\.txt/);
    expect(r.stdout).toBe('');
  });
});
