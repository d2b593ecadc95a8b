import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The real `openfeedback` command, run as a user runs it: `node bin/openfeedback.js …` in a temp
 * directory, on a temp SQLite pool. Each start costs about a second (node + tsx), so independent
 * runs go in parallel.
 */
const BIN = fileURLToPath(new URL('../bin/openfeedback.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** This process's environment without any OPENFEEDBACK_* that would leak into the command. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OPENFEEDBACK_')) env[k] = v;
  return { ...env, ...extra };
}

let root: string;

function run(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? root, env: cleanEnv(options.env), timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A fresh directory under the test's temp root. */
function dir(name: string): string {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  return d;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'openfeedback-cli-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('openfeedback --help', () => {
  it('documents the program and every command with its options', async () => {
    const [program, serve, migrate, admin, adminCreate, stats, version] = await Promise.all([
      run(['--help']),
      run(['serve', '--help']),
      run(['migrate', '--help']),
      run(['admin', '--help']),
      run(['admin', 'create', '--help']),
      run(['stats', '--help']),
      run(['--version']),
    ]);
    for (const r of [program, serve, migrate, admin, adminCreate, stats, version]) expect(r.code, r.stderr).toBe(0);

    expect(program.stdout).toContain('Usage: openfeedback');
    for (const command of ['serve', 'migrate', 'admin', 'stats']) expect(program.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    expect(program.stdout).toContain('OPENFEEDBACK_');

    expect(serve.stdout).toContain('Usage: openfeedback serve');
    for (const option of ['--db <url>', '--config <file>', '--port <port>', '--host <host>', '--log-level <level>', 'OPENFEEDBACK_PORT']) {
      expect(serve.stdout).toContain(option);
    }
    expect(migrate.stdout).toContain('Usage: openfeedback migrate');
    for (const option of ['--db <url>', '--config <file>', 'OPENFEEDBACK_DB']) expect(migrate.stdout).toContain(option);

    expect(admin.stdout).toContain('Usage: openfeedback admin');
    expect(admin.stdout).toMatch(/^\s+create\b/m);

    expect(adminCreate.stdout).toContain('Usage: openfeedback admin create');
    for (const option of ['--handle <handle>', '--password <password>', '--json', '--db <url>', '--config <file>', 'OPENFEEDBACK_ADMIN_PASSWORD']) {
      expect(adminCreate.stdout).toContain(option);
    }
    expect(stats.stdout).toContain('Usage: openfeedback stats');
    for (const option of ['--json', '--db <url>', '--config <file>']) expect(stats.stdout).toContain(option);

    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('fails on an unknown command or a missing required option, with a non-zero code', async () => {
    const [unknown, noHandle] = await Promise.all([run(['frobnicate']), run(['admin', 'create', '--db', join(root, 'never.db')])]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect(noHandle.code).toBe(1);
    expect(noHandle.stderr).toContain('--handle');
    expect(existsSync(join(root, 'never.db'))).toBe(false);
  });
});

describe('openfeedback migrate', () => {
  it('creates the database (and its directory) and is idempotent', async () => {
    const db = join(dir('migrate'), 'nested', 'dir', 'pool.db');
    const first = await run(['migrate', '--db', db]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Applied \S+/);
    expect(existsSync(db)).toBe(true);
    const second = await run(['migrate', '--db', db]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('up to date');
  });
});

describe('openfeedback admin create, serve and stats on one pool', () => {
  let db: string;
  let rootKey: string;
  let opsKey: string;
  let server: ChildProcess | undefined;
  const OPS_PASSWORD = 'ops password from the environment';

  beforeAll(() => {
    db = join(dir('pool'), 'pool.db');
  });
  afterAll(() => {
    if (server !== undefined && server.exitCode === null) server.kill('SIGKILL');
  });

  it('creates an admin and prints an API key and the generated password as JSON', async () => {
    const r = await run(['admin', 'create', '--handle', 'root', '--json', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { id: string; handle: string; roles: string[]; api_key: string; password?: string };
    expect(out.handle).toBe('root');
    expect(out.roles).toContain('admin');
    expect(out.api_key).toMatch(/^ofk_\S{20,}$/);
    expect(out.password).toEqual(expect.any(String));
    expect(out.password!.length).toBeGreaterThanOrEqual(10);
    rootKey = out.api_key;
  });

  it('takes the password from OPENFEEDBACK_ADMIN_PASSWORD and does not echo it', async () => {
    const r = await run(['admin', 'create', '--handle', 'ops', '--json', '--db', db], { env: { OPENFEEDBACK_ADMIN_PASSWORD: OPS_PASSWORD } });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).not.toHaveProperty('password');
    expect(r.stdout).not.toContain(OPS_PASSWORD);
    opsKey = String(out.api_key);
    expect(opsKey).toMatch(/^ofk_/);
    expect(opsKey).not.toBe(rootKey);
  });

  it('refuses a handle that is taken, with exit code 1', async () => {
    const r = await run(['admin', 'create', '--handle', 'root', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('taken');
    expect(r.stdout).not.toContain('ofk_');
  });

  let statsFromApi: unknown;

  it('serves the API on --port 0; the printed keys and password work against it', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', db], { cwd: root, env: cleanEnv() });
    server = child;
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${stdout} ${stderr}`)), 20_000);
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /OpenFeedback listening on (http:\/\/\S+) /.exec(stdout);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:8080$/);
    expect(stdout).toContain(`pool: sqlite ${db}`);

    const api = async (method: string, path: string, auth: { key?: string; cookie?: string }, body?: unknown) => {
      const headers: Record<string, string> = {};
      if (auth.key !== undefined) headers.authorization = `Bearer ${auth.key}`;
      if (auth.cookie !== undefined) headers.cookie = auth.cookie;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
      const text = await res.text();
      return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers };
    };

    const me = await api('GET', '/v1/me', { key: rootKey });
    expect(me.status, JSON.stringify(me.body)).toBe(200);
    expect(me.body).toMatchObject({ handle: 'root', via: 'api_key' });
    expect(me.body.roles).toContain('admin');
    expect((await api('GET', '/v1/me', {})).status).toBe(401);
    expect((await api('GET', '/v1/me', { key: `${rootKey.slice(0, -4)}xxxx` })).status).toBe(401);

    // ops signs in with the password given through the environment, and consents (a person, in a session).
    const session = await api('POST', '/v1/sessions', {}, { handle: 'ops', password: OPS_PASSWORD });
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    const cookie = String(session.headers.get('set-cookie')).split(';')[0]!;
    const consent = await api('POST', '/v1/consent', { cookie }, { terms_version: '2026-11', adult_confirmed: true, licence: 'CC0-1.0', attribution: 'pseudonym' });
    expect(consent.status, JSON.stringify(consent.body)).toBe(201);

    // ops's printed API key writes a conversation and two feedback events.
    const conv = await api('POST', '/v1/conversations', { key: opsKey }, {
      messages: [
        { role: 'user', content: 'What is the capital of Portugal?' },
        { role: 'assistant', content: 'Lisbon.' },
      ],
    });
    expect(conv.status, JSON.stringify(conv.body)).toBe(201);
    const answer = conv.body.messages[1].id as string;
    for (const fb of [
      { kind: 'thumbs', message_id: answer, value: 'up' },
      { kind: 'rating', message_id: answer, score: 4 },
    ]) {
      const res = await api('POST', '/v1/feedback', { key: opsKey }, { conversation_id: conv.body.id, ...fb });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    // Someone who signs up but does not consent counts as a contributor, not a consented one.
    expect((await api('POST', '/v1/accounts', {}, { handle: 'carol', password: 'a long enough password' })).status).toBe(201);

    const stats = await api('GET', '/v1/stats', {});
    expect(stats.status).toBe(200);
    statsFromApi = stats.body;

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('SIGTERM: closing');
  });

  it('stats reflects what was created through the API, as JSON and as text', async () => {
    const [json, text] = await Promise.all([run(['stats', '--json', '--db', db]), run(['stats', '--db', db])]);
    expect(json.code, json.stderr).toBe(0);
    const stats = JSON.parse(json.stdout) as Record<string, unknown> & { feedback_by_kind: { key: string; count: number }[] };
    expect(stats).toMatchObject({ contributors: 3, consented_contributors: 1, conversations: 1, messages: 2, feedback: 2 });
    expect([...stats.feedback_by_kind].sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'rating', count: 1 },
      { key: 'thumbs', count: 1 },
    ]);
    expect(stats).toEqual(statsFromApi);

    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^contributors\s+3 \(1 with active consent\)$/m);
    expect(text.stdout).toMatch(/^feedback\s+2$/m);
    expect(text.stdout).toMatch(/^\s+thumbs\s+1$/m);
  });
});

describe('configuration on the command line', () => {
  it('exits with code 2 and names the key and its source for a bad value', async () => {
    const d = dir('bad-config');
    writeFileSync(join(d, 'typo.json'), JSON.stringify({ prot: 9090 }));
    const db = join(d, 'pool.db');
    const [badEnv, badFlag, unknownKey, missingFile] = await Promise.all([
      run(['serve', '--db', db], { cwd: d, env: { OPENFEEDBACK_PORT: 'abc' } }),
      run(['serve', '--port', 'eighty', '--db', db], { cwd: d }),
      run(['migrate', '--db', db, '--config', 'typo.json'], { cwd: d }),
      run(['stats', '--db', db, '--config', 'missing.json'], { cwd: d }),
    ]);
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/"port".*OPENFEEDBACK_PORT/);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/"port".*flag --port/);
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toContain('"prot"');
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toContain('missing.json');
    // Nothing was opened or created on the way to the error.
    expect(existsSync(db)).toBe(false);
  });

  it('opens the pool the --db flag names over OPENFEEDBACK_DB, over the config file, over the default', async () => {
    const envOnly = dir('db-env');
    const flagAndEnv = dir('db-flag');
    const envAndFile = dir('db-file');
    const nothing = dir('db-default');
    writeFileSync(join(envAndFile, 'openfeedback.config.json'), JSON.stringify({ db: 'from-file.db' }));
    const results = await Promise.all([
      run(['migrate'], { cwd: envOnly, env: { OPENFEEDBACK_DB: 'from-env.db' } }),
      run(['migrate', '--db', 'from-flag.db'], { cwd: flagAndEnv, env: { OPENFEEDBACK_DB: 'from-env.db' } }),
      run(['migrate'], { cwd: envAndFile, env: { OPENFEEDBACK_DB: 'from-env.db' } }),
      run(['migrate'], { cwd: nothing }),
    ]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(envOnly, 'from-env.db'))).toBe(true);
    expect(existsSync(join(flagAndEnv, 'from-flag.db'))).toBe(true);
    expect(existsSync(join(flagAndEnv, 'from-env.db'))).toBe(false);
    expect(existsSync(join(envAndFile, 'from-env.db'))).toBe(true);
    expect(existsSync(join(envAndFile, 'from-file.db'))).toBe(false);
    expect(existsSync(join(nothing, 'data', 'openfeedback.db'))).toBe(true);
    // And the file is used when nothing overrides it.
    const fileOnly = await run(['migrate'], { cwd: envAndFile });
    expect(fileOnly.code, fileOnly.stderr).toBe(0);
    expect(existsSync(join(envAndFile, 'from-file.db'))).toBe(true);
  });
});
