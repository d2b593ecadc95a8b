import { execFileSync } from 'node:child_process';

/** Tests that start the real `openfeedback` command run the bundle: build it fresh (≈0.1 s) first. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
