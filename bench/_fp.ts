import { scrubCorpus } from './scrub.js';
import { findPii } from '../packages/core/src/privacy/index.js';
const { messages } = scrubCorpus(Number(process.argv[3] ?? 3));
const kind = process.argv[2];
const seen = new Map<string, number>();
for (const m of messages) for (const s of findPii(m)) if (!kind || s.kind === kind) {
  const k = `${s.kind}: ${m.slice(Math.max(0, s.start - 30), s.start).replace(/\n/g, ' ')}⟦${m.slice(s.start, s.end)}⟧${m.slice(s.end, s.end + 20).replace(/\n/g, ' ')}`;
  seen.set(k, (seen.get(k) ?? 0) + 1);
}
for (const [k, n] of seen) console.log(n, k);
