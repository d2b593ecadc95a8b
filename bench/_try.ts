import { findPii, scrubText } from '../packages/core/src/privacy/index.js';
const lines = process.argv.slice(2).length ? process.argv.slice(2) : (await import('node:fs')).readFileSync(0, 'utf8').split('\n').filter(Boolean);
for (const l of lines) {
  const spans = findPii(l);
  const again = scrubText(scrubText(l).text).spans.length;
  console.log(`${l}\n   -> ${spans.map((s) => `${s.kind}:"${l.slice(s.start, s.end)}"`).join('  ') || '(none)'}${again ? '  !!! NOT IDEMPOTENT' : ''}`);
}
