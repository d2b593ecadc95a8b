import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(REPO, 'packages/cli/bin/openfeedback.js');

export interface RunningServer {
  url: string;
  db: string;
  admin: { handle: string; password: string; apiKey: string };
  stop(): Promise<void>;
}

/**
 * The real server, built web app included, as a child process on a fresh SQLite pool, with an
 * admin (made by the command, as an operator would).
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'openfeedback-e2e-'));
  const db = join(dir, 'pool.db');
  const password = 'e2e admin password';
  const admin = JSON.parse(execFileSync(process.execPath, [CLI, 'admin', 'create', '--handle', 'admin', '--password', password, '--db', db, '--json'], { cwd: REPO }).toString()) as { api_key: string };
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', db, '--log-level', 'warn'], {
    cwd: REPO,
    env: { ...process.env, OPENFEEDBACK_RATE_LIMIT_MAX: '100000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+?) /.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    db,
    admin: { handle: 'admin', password, apiKey: admin.api_key },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
