import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The real command's entry point, as `npx openfeedback` runs it. */
export const BIN = fileURLToPath(new URL('../bin/openfeedback.js', import.meta.url));

export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `openfeedback <args>` as a user would (`node bin/openfeedback.js …`) in `cwd`, without any
 * OPENFEEDBACK_* variable of this process leaking into it.
 */
export function runCommand(args: readonly string[], cwd: string, options: { timeout?: number; maxBuffer?: number } = {}): Promise<CommandRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENFEEDBACK_')));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env, timeout: options.timeout ?? 60_000, maxBuffer: options.maxBuffer ?? 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}
