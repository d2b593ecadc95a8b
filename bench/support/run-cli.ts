import { spawn } from 'node:child_process';
import { REPO_ROOT } from './child-server.js';

export interface CliRun {
  seconds: number;
  /** Peak resident memory of the command's process, in MiB. */
  peakRssMiB: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `openfeedback …` (the built bundle) in its own process and measures it from outside: wall
 * time, and the process's own peak RSS (`process.resourceUsage().maxRSS`, reported at exit).
 */
export async function runCli(args: string[]): Promise<CliRun> {
  const script = `
    const { main } = await import(${JSON.stringify(`${REPO_ROOT}packages/cli/dist/openfeedback.mjs`)});
    const code = await main(['node', 'openfeedback', ...JSON.parse(process.argv[1])]);
    process.stderr.write('\\nmaxRSS=' + process.resourceUsage().maxRSS + '\\n');
    process.exit(code);`;
  const started = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(args)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`openfeedback ${args.join(' ')} exited with ${code}: ${stderr}`);
  const kib = Number(/maxRSS=(\d+)/.exec(stderr)?.[1] ?? NaN);
  return { seconds, peakRssMiB: kib / 1024, stdout, stderr };
}
