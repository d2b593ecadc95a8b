/**
 * A release of 1,000,000 feedback events (100,000 conversations, 10 events each) by the real
 * command in its own process: seconds and peak RSS, beside the export of the same events to one
 * JSON Lines file measured in the same run (a release writes six views in two formats, re-scrubs
 * every text and scans it again, and hashes every file).
 * Run: npx tsx bench/release.ts [events]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillPool } from './export-pool.js';
import { runCli, type CliRun } from './support/run-cli.js';

const EVENTS = Number(process.argv[2] ?? 1_000_000);

export interface ReleaseBench {
  events: number;
  release: CliRun & { mib: number; files: number };
  exportJsonl: CliRun;
}

function sizeOf(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    bytes += statSync(join(e.parentPath, e.name)).size;
    files++;
  }
  return { bytes, files };
}

export async function benchRelease(events = EVENTS): Promise<ReleaseBench> {
  const dir = mkdtempSync(join(tmpdir(), 'of-bench-release-'));
  try {
    const db = join(dir, 'pool.db');
    await fillPool(db, events);
    const exportJsonl = await runCli(['export', 'feedback', '--db', db, '--format', 'jsonl', '--out', join(dir, 'feedback.jsonl')]);
    const release = await runCli(['release', 'create', '--db', db, '--releases-dir', join(dir, 'releases'), '--version', 'bench', '--json']);
    const { bytes, files } = sizeOf(join(dir, 'releases', 'bench'));
    return { events, release: { ...release, mib: bytes / 2 ** 20, files }, exportJsonl };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchRelease();
  console.log(`release of ${r.events.toLocaleString('en')} feedback events: ${r.release.seconds.toFixed(1)} s, peak RSS ${Math.round(r.release.peakRssMiB)} MiB, ${r.release.files} files, ${Math.round(r.release.mib)} MiB (aim ≤ 30 s, ≤ 300 MB)`);
  console.log(`export of the same events to one JSON Lines file: ${r.exportJsonl.seconds.toFixed(1)} s, peak RSS ${Math.round(r.exportJsonl.peakRssMiB)} MiB; ratio release / export ${(r.release.seconds / r.exportJsonl.seconds).toFixed(2)}`);
}
