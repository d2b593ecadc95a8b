import { scrubText } from '../packages/core/src/privacy/index.js';
const cases: Record<string, string> = {
  digitsSpaced: '1 '.repeat(200_000),
  digitsDashed: '12-'.repeat(150_000),
  longDigits: '7'.repeat(400_000),
  letters: 'a'.repeat(400_000),
  ats: 'a@'.repeat(200_000),
  atDots: 'a.b@c.d'.repeat(60_000),
  colons: 'ab:'.repeat(150_000),
  hexColons: 'ff:'.repeat(150_000),
  dots: '1.'.repeat(200_000),
  caps: 'Main '.repeat(80_000) + '12',
  addr: '12 ' + 'Main '.repeat(80_000),
  rua: 'Rua ' + 'Augusta '.repeat(50_000) + '12',
  tokens: 'sk-'.repeat(130_000),
  underscores: 'hf_'.repeat(130_000),
  parens: '(1) '.repeat(100_000),
  plus: '+1 '.repeat(130_000),
  equals: '?token='.repeat(60_000),
  quotes: 'api_key="'.repeat(40_000),
  urls: 'https://a:b@'.repeat(30_000),
  bearer: 'Bearer '.repeat(60_000),
  capsWords: 'AB12 '.repeat(80_000),
  emoji: '😀'.repeat(200_000),
  mixed: 'Call +44 20 7946 0958 or mail a@b.co. '.repeat(10_000),
};
for (const [name, text] of Object.entries(cases)) {
  const t = performance.now();
  const r = scrubText(text);
  const ms = performance.now() - t;
  console.log(name.padEnd(14), (text.length / 1e6).toFixed(2), 'Mchars', ms.toFixed(0).padStart(6), 'ms', r.spans.length, 'spans');
}
