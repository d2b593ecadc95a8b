/**
 * PII scrubbing throughput on one core: real chat text (HH-RLHF, OpenAssistant, ShareGPT and
 * LLaMA-Factory samples in ../shared/data, read in place), one message at a time as the server
 * scrubs them, with personal data sprinkled into about one message in twenty; repeated to about
 * 20 MB. Beside it, in the same run, two ceilings over the same messages: UTF-8 encoding
 * (TextEncoder) and one plain regex replace (a naive e-mail scrubber).
 * Run: npx tsx bench/scrub.ts [megabytes]
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { scrubText, mergeCounts, type PiiCounts } from '../packages/core/src/privacy/index.js';
import { REPO_ROOT } from './support/child-server.js';

const DATA = `${REPO_ROOT}../shared/data/`;

/** Every message text of the sample files, each once. */
function realMessages(): string[] {
  const texts = new Set<string>();
  const add = (t: unknown) => {
    if (typeof t === 'string' && t.trim() !== '') texts.add(t);
  };
  for (const line of gunzipSync(readFileSync(`${DATA}hh-rlhf/harmless-base/test.jsonl.gz`)).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    const pair = JSON.parse(line) as { chosen: string; rejected: string };
    for (const t of [pair.chosen, pair.rejected]) for (const turn of t.split(/\n\n(?:Human|Assistant): /)) add(turn);
  }
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      add(o.text);
      add(o.value);
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  for (const file of ['oasst-native/en_100_message.jsonl', 'oasst-native/en_100_tree.jsonl', 'llamafactory/v1_dpo_demo.jsonl', 'mt-bench/question.jsonl']) {
    for (const line of readFileSync(`${DATA}${file}`, 'utf8').split('\n')) if (line.trim() !== '') walk(JSON.parse(line));
  }
  for (const file of ['sharegpt/dummy_conversation.json', 'llamafactory/dpo_en_demo.json', 'llamafactory/kto_en_demo.json']) walk(JSON.parse(readFileSync(`${DATA}${file}`, 'utf8')));
  for (const q of [...texts]) if (q.startsWith('[') || q.startsWith('{')) texts.delete(q); // stray JSON, not chat
  return [...texts];
}

const SPRINKLES = [
  'You can reach me at maria.silva@example.com if needed.',
  'My number is +44 20 7946 0958, call after six.',
  'Call me on (415) 555-0132 tomorrow.',
  'Card: 4111 1111 1111 1111, exp 12/27.',
  'Send it to IBAN DE89 3704 0044 0532 0130 00 please.',
  'The server is at 192.168.1.23 and the router at 2001:db8::17.',
  'my key is sk-proj-Zx81kP0qLmN3vB7cR5tY2wQ9eA4sD6fG and it works',
  'export HF_TOKEN=hf_QwErTyUiOpAsDfGhJkLzXcVbNm12345678',
  'I live at 742 Evergreen Terrace, Springfield.',
  'SSN 078-05-1120 is on the form.',
  'curl -H "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U" https://api.example.com',
  'MAC 00:1A:2B:3C:4D:5E on the printer.',
];

/** The real messages, one in twenty with personal data added, repeated to `megabytes` of UTF-8. */
export function scrubCorpus(megabytes: number): { messages: string[]; bytes: number } {
  const base = realMessages();
  const messages: string[] = [];
  let bytes = 0;
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
  const encoder = new TextEncoder();
  while (bytes < megabytes * 1e6) {
    for (const m of base) {
      const text = random() < 0.05 ? `${m} ${SPRINKLES[Math.floor(random() * SPRINKLES.length)]}` : m;
      messages.push(text);
      bytes += encoder.encode(text).length;
      if (bytes >= megabytes * 1e6) break;
    }
  }
  return { messages, bytes };
}

function timed(messages: string[], f: (s: string) => unknown): number {
  const started = performance.now();
  let sink = 0;
  for (const m of messages) sink += f(m) === null ? 1 : 0;
  if (sink < 0) console.log(sink);
  return (performance.now() - started) / 1000;
}

export interface ScrubBench {
  megabytes: number;
  messages: number;
  seconds: number;
  mbPerSecond: number;
  encodeMbPerSecond: number;
  regexMbPerSecond: number;
  removed: PiiCounts;
}

export async function benchScrub(megabytes = 20): Promise<ScrubBench> {
  const { messages, bytes } = scrubCorpus(megabytes);
  const mb = bytes / 1e6;
  // Warm up: the JIT compiles the detectors and libphonenumber's metadata paths.
  for (const m of messages.slice(0, 5000)) scrubText(m);
  const encoder = new TextEncoder();
  const naive = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
  const best = (f: (s: string) => unknown) => Math.min(timed(messages, f), timed(messages, f));
  const encodeSeconds = best((m) => encoder.encode(m));
  const regexSeconds = best((m) => m.replace(naive, '[EMAIL]'));
  let removed: PiiCounts = {};
  const seconds = Math.min(
    timed(messages, (m) => scrubText(m)),
    timed(messages, (m) => {
      removed = mergeCounts(removed, scrubText(m).removed);
    }),
  );
  return { megabytes: mb, messages: messages.length, seconds, mbPerSecond: mb / seconds, encodeMbPerSecond: mb / encodeSeconds, regexMbPerSecond: mb / regexSeconds, removed };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchScrub(Number(process.argv[2] ?? 20));
  console.log(`scrubText over ${r.megabytes.toFixed(1)} MB of chat text (${r.messages.toLocaleString('en')} messages), one core: ${r.seconds.toFixed(2)} s, ${r.mbPerSecond.toFixed(1)} MB/s (aim ≥ 20)`);
  console.log(`ceilings in the same run: TextEncoder.encode ${r.encodeMbPerSecond.toFixed(0)} MB/s (ratio ${(r.mbPerSecond / r.encodeMbPerSecond).toFixed(3)}), one regex replace ${r.regexMbPerSecond.toFixed(0)} MB/s (ratio ${(r.mbPerSecond / r.regexMbPerSecond).toFixed(3)})`);
  console.log(`removed: ${JSON.stringify(r.removed)}`);
}
