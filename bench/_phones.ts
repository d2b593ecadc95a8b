import { getExampleNumber, getCountries, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { findPii } from '../packages/core/src/privacy/index.js';
let intlOk = 0, intlN = 0; const intlMiss: string[] = [];
const nat: Record<string, [number, number, string[]]> = {};
for (const c of getCountries()) {
  const n = getExampleNumber(c as CountryCode, examples);
  if (!n) continue;
  for (const f of [n.formatInternational(), n.number]) {
    intlN++;
    const t = `Reach me at ${f} tonight.`;
    const sp = findPii(t);
    if (sp.some((s) => s.kind === 'phone' && t.slice(s.start, s.end) === f)) intlOk++; else intlMiss.push(`${c} ${f} -> ${sp.map((s) => s.kind + ':' + t.slice(s.start, s.end))}`);
  }
  if (['US','GB','DE','FR','BR','PT','IN','ES','IT','NL','AU','ZA','JP','NG','CA','MX','AR','PL','SE','CH','BE','AT','IE'].includes(c)) {
    for (const [ctx, f] of [['I saw', n.formatNational()], ['Call me at', n.formatNational()]] as const) {
      const t = `${ctx} ${f} yesterday.`;
      const sp = findPii(t);
      const r = (nat[c] ??= [0, 0, []]);
      r[1]++;
      if (sp.some((s) => s.kind === 'phone')) r[0]++; else r[2].push(`${ctx}|${f}`);
    }
  }
}
console.log('international', intlOk, '/', intlN);
console.log(intlMiss.slice(0, 40).join('\n'));
for (const [c, [ok, n, miss]] of Object.entries(nat)) console.log(c, ok, '/', n, miss.join('  '));
