import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import type { PiiSpan } from './types.js';

/**
 * IBANs: a country code and two check digits, then the account in one run or in groups of four
 * (`DE89 3704 0044 0532 0130 00`, `GB82-WEST-1234-5698-7654-32`), checked by ibantools (country
 * length, BBAN format, mod-97). A word after the number is not taken with it: the longest prefix
 * that is valid wins.
 */
export function findIbans(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
    const s = m[0];
    // Ends of the groups: the whole candidate first, then without its last group, and so on.
    const ends: number[] = [];
    for (let i = 4; i <= s.length; i++) if (i === s.length || s[i] === ' ' || s[i] === '-') ends.push(i);
    for (let k = ends.length - 1; k >= 0; k--) {
      const end = ends[k]!;
      if (end < 15) break; // the shortest IBANs (Norway) have 15 characters
      const after = text.charCodeAt(m.index + end);
      if (end === s.length && ((after >= 48 && after <= 57) || (after >= 65 && after <= 90) || (after >= 97 && after <= 122))) continue;
      const electronic = electronicFormatIBAN(s.slice(0, end));
      if (electronic !== null && isValidIBAN(electronic)) {
        spans.push({ kind: 'iban', start: m.index, end: m.index + end });
        CANDIDATE.lastIndex = m.index + end;
        break;
      }
    }
  }
  return spans;
}

const CANDIDATE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ \-]?[A-Z0-9]{1,4}){3,9}/g;
