import type { PiiSpan } from './types.js';

/**
 * MAC addresses: six pairs of hex digits joined by one separator throughout (`00:1A:2B:3C:4D:5E`,
 * `00-1a-2b-3c-4d-5e`), or three dotted quads of hex (`001a.2b3c.4d5e`, Cisco). Not part of a
 * longer colon-separated run (an IPv6 address, a time with more parts).
 */
export function findMacAddresses(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  if (!text.includes(':') && !text.includes('-') && !text.includes('.')) return spans;
  for (const re of [PAIRS, CISCO]) {
    if (re === CISCO && !CISCO_HINT.test(text)) continue;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const s = m[0];
      if (re === CISCO && !/[a-f]/i.test(s)) continue; // 1234.5678.9012 is a number
      spans.push({ kind: 'mac_address', start: m.index, end: m.index + s.length });
    }
  }
  return spans;
}

const PAIRS = /(?<![\w:\-.])[0-9A-Fa-f]{2}([:\-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}(?![\w:\-]|\.\w)/g;
/** A dotted quad of hex between dots: the regex below starts at every hex letter, this one only at dots. */
const CISCO_HINT = /\.[0-9A-Fa-f]{4}\./;
const CISCO = /(?<![\w.:\-])[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![\w.\-])/g;
