/**
 * Import throughput: the HH-RLHF test file (../shared/data, read in place) repeated until it holds
 * at least 500,000 messages, each copy made distinct (so that none is skipped as already imported),
 * imported by the real command in its own process into a fresh SQLite pool.
 * Run: npx tsx bench/import-hh-rlhf.ts [messages]
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { REPO_ROOT } from './support/child-server.js';
import { runCli, type CliRun } from './support/run-cli.js';

const SOURCE = `${REPO_ROOT}../shared/data/hh-rlhf/harmless-base/test.jsonl.gz`;
const TARGET_MESSAGES = Number(process.argv[2] ?? 500_000);

async function readPairs(): Promise<{ chosen: string; rejected: string }[]> {
  const pairs = [];
  for await (const line of createInterface({ input: createReadStream(SOURCE).pipe(createGunzip()) })) if (line.trim() !== '') pairs.push(JSON.parse(line) as { chosen: string; rejected: string });
  return pairs;
}

/** Messages an HH-RLHF pair becomes: its turns up to the last answer, plus the two answers. */
function messagesOf(pair: { chosen: string }): number {
  return pair.chosen.split(/\n\n(?:Human|Assistant): /).length - 1 + 1;
}

export async function benchImport(): Promise<{ pairs: number; messages: number; run: CliRun; messagesPerSecond: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'of-bench-import-'));
  try {
    const pairs = await readPairs();
    const perCopy = pairs.reduce((n, p) => n + messagesOf(p), 0);
    const copies = Math.ceil(TARGET_MESSAGES / perCopy);
    const file = join(dir, 'hh-rlhf-repeated.jsonl.gz');
    const gzip = createGzip();
    const out = gzip.pipe(createWriteStream(file));
    for (let c = 0; c < copies; c++) {
      for (const p of pairs) {
        // A copy number in the first human turn makes every copy a new conversation.
        const tag = (s: string) => s.replace('\n\nHuman: ', `\n\nHuman: [copy ${c}] `);
        if (!gzip.write(`${JSON.stringify({ chosen: tag(p.chosen), rejected: tag(p.rejected) })}\n`)) await new Promise((r) => gzip.once('drain', r));
      }
    }
    gzip.end();
    await finished(out);
    const run = await runCli(['import', 'hh-rlhf', file, '--db', join(dir, 'pool.db'), '--json']);
    const report = JSON.parse(run.stdout) as { messages: { imported: number }; conversations: { imported: number }; rejected: Record<string, number> };
    if (report.conversations.imported !== pairs.length * copies) throw new Error(`imported ${report.conversations.imported} conversations of ${pairs.length * copies}: ${JSON.stringify(report.rejected)}`);
    return { pairs: pairs.length * copies, messages: report.messages.imported, run, messagesPerSecond: report.messages.imported / run.seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchImport();
  console.log(`import of ${r.pairs.toLocaleString('en')} HH-RLHF pairs (${r.messages.toLocaleString('en')} messages): ${r.run.seconds.toFixed(1)} s, ${Math.round(r.messagesPerSecond).toLocaleString('en')} messages/s, peak RSS ${Math.round(r.run.peakRssMiB)} MiB`);
}
