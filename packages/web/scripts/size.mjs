#!/usr/bin/env node
// How much JavaScript the web app makes a browser download: the initial chunks (the entry and
// everything it imports statically, which index.html loads before anything shows) and, for each
// screen, what opening it adds. Sizes are raw and gzip (level 9). Budget: initial ≤ 250 KB gzip.
// Reads Vite's manifest (dist/.vite/manifest.json); run `npm run build:web` first.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const BUDGET_GZIP_BYTES = 250 * 1024;

const SCREENS = {
  chat: 'src/screens/chat/chat-screen.tsx',
  rate: 'src/screens/rate/rate-screen.tsx',
  arena: 'src/screens/arena/arena-screen.tsx',
  leaderboard: 'src/screens/leaderboard/leaderboard-screen.tsx',
  review: 'src/screens/review/review-screen.tsx',
  'my data': 'src/screens/me/my-data-screen.tsx',
  consent: 'src/screens/consent/consent-screen.tsx',
  admin: 'src/screens/admin/admin-screen.tsx',
};

/** @param {string} dist the built app (packages/web/dist) */
export function webAppSize(dist = fileURLToPath(new URL('../dist/', import.meta.url))) {
  const dir = dist.endsWith('/') ? dist : `${dist}/`;
  const manifest = JSON.parse(readFileSync(`${dir}.vite/manifest.json`, 'utf8'));
  const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
  if (entryKey === undefined) throw new Error('no entry chunk in the manifest');
  const closure = (key, seen = new Set()) => {
    if (seen.has(key)) return seen;
    seen.add(key);
    for (const k of manifest[key].imports ?? []) closure(k, seen);
    return seen;
  };
  const measure = (keys) => {
    const files = [...keys].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'));
    let raw = 0;
    let gzip = 0;
    for (const f of files) {
      const bytes = readFileSync(`${dir}${f}`);
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    return { files, raw, gzip };
  };
  const initialKeys = closure(entryKey);
  const initial = measure(initialKeys);
  const screens = {};
  for (const [name, src] of Object.entries(SCREENS)) {
    if (manifest[src] === undefined) continue;
    const added = [...closure(src)].filter((k) => !initialKeys.has(k));
    screens[name] = measure(added);
  }
  return { initial, screens, withinBudget: initial.gzip <= BUDGET_GZIP_BYTES };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** The figures as a Markdown table (printed by `npm run bench` and by this script). */
export function sizeReport(size = webAppSize()) {
  const lines = [
    '| JavaScript | raw | gzip |',
    '|---|---:|---:|',
    `| initial (entry + static imports: ${size.initial.files.length} file${size.initial.files.length === 1 ? '' : 's'}) | ${kb(size.initial.raw)} | **${kb(size.initial.gzip)}** |`,
  ];
  for (const [name, s] of Object.entries(size.screens)) lines.push(`| + opening ${name} | ${kb(s.raw)} | ${kb(s.gzip)} |`);
  const chat = size.screens.chat;
  if (chat) lines.push(`| first screen of a signed-in person (initial + chat) | ${kb(size.initial.raw + chat.raw)} | ${kb(size.initial.gzip + chat.gzip)} |`);
  lines.push('', `budget: initial ≤ ${kb(BUDGET_GZIP_BYTES)} gzip — ${size.withinBudget ? 'within' : 'OVER'}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = webAppSize();
  console.log(sizeReport(size));
  if (!size.withinBudget) process.exitCode = 1;
}
