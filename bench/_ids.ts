import { readFileSync } from 'node:fs';
import { findPii } from '../packages/core/src/privacy/index.js';
const ids = new Set(process.argv.slice(2));
for (const l of readFileSync('packages/core/test/fixtures/pii-corpus.jsonl', 'utf8').split('\n').filter(Boolean)) {
  const o = JSON.parse(l);
  if (!ids.has(o.id)) continue;
  console.log(o.id, JSON.stringify(o.text), o.note ?? '');
  console.log('   gold:', o.spans.map((s: any) => `${s.kind}:"${o.text.slice(s.start, s.end)}"`).join('  '));
  console.log('   mine:', findPii(o.text).map((s) => `${s.kind}:"${o.text.slice(s.start, s.end)}"`).join('  '));
}
