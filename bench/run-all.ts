/**
 * `npm run bench`: every benchmark, each figure beside the ceiling measured in the same run
 * (these machines are noisy; ratios travel better than absolute numbers).
 */
import { availableParallelism, cpus } from 'node:os';
import { benchBulkIngest } from './bulk-ingest.js';
import { benchExport } from './export-pool.js';
import { benchFirstToken } from './first-token.js';
import { benchImport } from './import-hh-rlhf.js';
import { benchHttpFeedback } from './http-feedback.js';
import { benchScrub } from './scrub.js';
import { benchRelease } from './release.js';
import { benchLeaderboardStats } from './leaderboard-stats.js';
import { benchLeaderboardService } from './leaderboard-service.js';
import type { LoadResult } from './support/load.js';
import { sizeReport } from '../packages/web/scripts/size.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
console.log(`# OpenFeedback benchmarks — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})\n`);

// The web app's download, measured on the build `npm run bench` has just made.
console.log('## Web app: the JavaScript a browser downloads (packages/web/scripts/size.mjs)\n');
console.log(`${sizeReport()}\n`);

const firstToken = await benchFirstToken();
console.log('## First token of a streamed answer, endpoint → page (Debian chromium, fake OpenAI-compatible endpoint)\n');
console.log(`${firstToken.samples.length} answers: median **${firstToken.median.toFixed(1)} ms**, p95 ${firstToken.p95.toFixed(1)} ms, max ${firstToken.max.toFixed(1)} ms (aim ≤ 50 ms)\n`);

const row = (name: string, x: LoadResult) =>
  `| ${name} | ${Math.round(x.requestsPerSecond).toLocaleString('en')} | ${x.p50} | ${x.p99} | ${x.non2xx} |`;
for (const connections of [16, 100]) {
  const r = await benchHttpFeedback(seconds, connections);
  console.log(`## Single feedback POST, ${connections} connections, ${seconds} s (autocannon, loopback)\n`);
  console.log('| | req/s | p50 ms | p99 ms | non-2xx |\n|---|---:|---:|---:|---:|');
  console.log(row('bare Fastify route answering 204 (ceiling)', r.bare));
  console.log(row('POST /v1/feedback: API key, validation, consent, durable SQLite write', r.full));
  console.log(`\nratio full / bare: **${r.ratio.toFixed(2)}**\n`);
}

const ingest = await benchBulkIngest();
const f = (n: number) => Math.round(n).toLocaleString('en');
console.log('## Bulk NDJSON ingest of 200,000 feedback events\n');
console.log('| | events/s | ratio |\n|---|---:|---:|');
console.log(`| SQLite: raw prepared insert of the same rows, one transaction (ceiling) | ${f(ingest.sqliteRaw)} | |`);
console.log(`| SQLite: POST /v1/ingest (stream, validation, consent, batched writes) | ${f(ingest.sqliteApi)} | **${(ingest.sqliteApi / ingest.sqliteRaw).toFixed(2)}** |`);
if (ingest.postgresApi !== null && ingest.postgresRaw !== null) {
  console.log(`| PostgreSQL: raw multi-row insert of the same rows, one transaction (ceiling) | ${f(ingest.postgresRaw)} | |`);
  console.log(`| PostgreSQL: POST /v1/ingest | ${f(ingest.postgresApi)} | **${(ingest.postgresApi / ingest.postgresRaw).toFixed(2)}** |`);
} else console.log('| PostgreSQL | not reachable: skipped | |');

const imported = await benchImport();
console.log(`\n## Import of HH-RLHF repeated to ${imported.messages.toLocaleString('en')} messages (\`openfeedback import hh-rlhf\`, one process)\n`);
console.log('| pairs | messages | seconds | messages/s | peak RSS |\n|---:|---:|---:|---:|---:|');
console.log(`| ${f(imported.pairs)} | ${f(imported.messages)} | ${imported.run.seconds.toFixed(1)} | ${f(imported.messagesPerSecond)} | ${Math.round(imported.run.peakRssMiB)} MiB |`);

const exported = await benchExport();
console.log(`\n## Export of ${f(exported.events)} feedback events (\`openfeedback export feedback\`, one process)\n`);
console.log('| format | seconds | peak RSS | file |\n|---|---:|---:|---:|');
for (const [name, x] of [['JSON Lines', exported.jsonl], ['Parquet', exported.parquet]] as const) {
  console.log(`| ${name} | ${x.seconds.toFixed(1)} | ${Math.round(x.peakRssMiB)} MiB | ${Math.round(x.mib)} MiB |`);
}

const scrub = await benchScrub();
console.log(`\n## PII scrubbing of ${scrub.megabytes.toFixed(0)} MB of chat text, one message at a time (\`scrubText\`, one core)\n`);
console.log('| | MB/s | ratio |\n|---|---:|---:|');
console.log(`| TextEncoder.encode of the same messages (ceiling) | ${scrub.encodeMbPerSecond.toFixed(0)} | |`);
console.log(`| one regex replace over the same messages (a naive e-mail scrubber) | ${scrub.regexMbPerSecond.toFixed(0)} | |`);
console.log(`| scrubText: nine detectors, libphonenumber, checksums, placeholders | ${scrub.mbPerSecond.toFixed(1)} | **${(scrub.mbPerSecond / scrub.regexMbPerSecond).toFixed(2)}** |`);
console.log('\nratio: scrubText over the regex pass. Aim: ≥ 20 MB/s.');

const release = await benchRelease();
console.log(`\n## A release of ${f(release.events)} feedback events (\`openfeedback release create\`, one process)\n`);
console.log('| | seconds | peak RSS | output |\n|---|---:|---:|---:|');
console.log(`| export of the same events to one JSON Lines file (baseline) | ${release.exportJsonl.seconds.toFixed(1)} | ${Math.round(release.exportJsonl.peakRssMiB)} MiB | |`);
console.log(`| release: six views × Parquet and JSON Lines, re-scrubbed and re-scanned, cards, manifest with sha256 | ${release.release.seconds.toFixed(1)} | ${Math.round(release.release.peakRssMiB)} MiB | ${release.release.files} files, ${Math.round(release.release.mib)} MiB |`);
console.log(`\nratio release / export: **${(release.release.seconds / release.exportJsonl.seconds).toFixed(2)}**. Aim: ≤ 30 s, ≤ 300 MB.`);

const stats = await benchLeaderboardStats();
console.log(`\n## Arena leaderboard and rater agreement statistics (\`leaderboard\`, \`krippendorffAlpha\`, one core)\n`);
console.log('| | seconds | ratio |\n|---|---:|---:|');
console.log(`| counting ${f(stats.battles)} battles among ${stats.models} models into unique outcomes (baseline) | ${stats.countSeconds.toFixed(3)} | |`);
console.log(`| leaderboard: counting, Bradley-Terry fit, ${stats.rounds} bootstrap rounds, intervals, ranks, matrices | ${stats.leaderboardSeconds.toFixed(3)} | **${(stats.leaderboardSeconds / stats.countSeconds).toFixed(2)}** |`);
console.log(`| one pass summing ${f(stats.ratings)} ratings (baseline) | ${stats.sumSeconds.toFixed(4)} | |`);
console.log(`| Krippendorff's alpha (interval) of the same ratings | ${stats.alphaSeconds.toFixed(3)} | **${(stats.alphaSeconds / stats.sumSeconds).toFixed(1)}** |`);
console.log('\nratios: over the baseline of the same row group. Aims: leaderboard < 2 s, alpha < 1 s.');

const service = await benchLeaderboardService();
console.log(`\n## Leaderboard and agreement from the pool (\`npx tsx bench/leaderboard-service.ts\`, SQLite, ${f(service.votes)} votes among 20 models)\n`);
console.log('| | seconds | ratio |\n|---|---:|---:|');
console.log(`| one query reading every vote with its answer's model, parsed (baseline) | ${service.baselineSeconds.toFixed(2)} | |`);
console.log(`| leaderboard, overall, 100 bootstrap rounds | ${service.overallSeconds.toFixed(2)} | **${(service.overallSeconds / service.baselineSeconds).toFixed(1)}** |`);
console.log(`| leaderboard, coding (reads every prompt) | ${service.codingSeconds.toFixed(2)} | **${(service.codingSeconds / service.baselineSeconds).toFixed(1)}** |`);
console.log(`| agreement (every figure) | ${service.agreementSeconds.toFixed(2)} | **${(service.agreementSeconds / service.baselineSeconds).toFixed(1)}** |`);
