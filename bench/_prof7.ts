import { scrubCorpus } from './scrub.js';
const { messages, bytes } = scrubCorpus(10);
const time = (name: string, f: (m: string) => number) => {
  for (let k = 0; k < 3; k++) {
    const t = performance.now(); let c = 0;
    for (const m of messages) c += f(m);
    const s = (performance.now() - t) / 1000;
    if (k === 2) console.log(name.padEnd(14), (bytes / 1e6 / s).toFixed(0).padStart(6), 'MB/s', c);
  }
};
const upper = /A(?:KIA|SIA|BIA|CCA|Iza)|eyJ|SG\./g;
time('upper', (m) => { upper.lastIndex = 0; let c = 0; while (upper.exec(m)) c++; return c; });
const upper2 = /AKIA|ASIA|AIza|eyJ/g;
time('upper2', (m) => { upper2.lastIndex = 0; let c = 0; while (upper2.exec(m)) c++; return c; });
time('idx_', (m) => { let c = 0; for (let i = m.indexOf('_'); i !== -1; i = m.indexOf('_', i + 1)) c++; return c; });
time('idx-', (m) => { let c = 0; for (let i = m.indexOf('-'); i !== -1; i = m.indexOf('-', i + 1)) c++; return c; });
time('loop', (m) => { let c = 0; for (let i = 0; i < m.length; i++) { const x = m.charCodeAt(i); if (x === 95 || x === 45 || x === 65) c++; } return c; });
const sep = /[_\-]/g;
time('sep', (m) => { sep.lastIndex = 0; let c = 0; while (sep.exec(m)) c++; return c; });
const pref = /(?:sk|rk|hf|gh[pousr]|github_pat|whsec|npm|r8|gsk|glpat|xai|xox[abposre])[_\-]/g;
time('pref', (m) => { pref.lastIndex = 0; let c = 0; while (pref.exec(m)) c++; return c; });
const pref2 = /[_\-](?<=(?:sk|rk|hf|gh[pousr]|github_pat|whsec|npm|r8|gsk|glpat|xai|xox[abposre])[_\-])/g;
time('pref2', (m) => { pref2.lastIndex = 0; let c = 0; while (pref2.exec(m)) c++; return c; });
