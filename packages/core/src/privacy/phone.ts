import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { NOT_PERSONAL_NUMBER, isWordCode, lineAfter, lineBefore } from './context.js';
import type { PiiSpan } from './types.js';

/**
 * Phone numbers. A cheap regex finds runs of digit groups (with `+`, parentheses, spaces, dots,
 * dashes, slashes between them); libphonenumber-js (full metadata) decides which runs are numbers:
 *  - `+…` and `00…` (international): valid, or possible when written in groups;
 *  - national formats only in the shapes people write them and dates or order numbers do not take:
 *    `(415) 555-0132` / `415-555-0132` (NANP), a trunk `0` then groups (`020 7946 0958`,
 *    `030 12345678`, `06 12 34 56 78`, `06-12345678`, `(02) 9876 5432`: valid in one of GB, DE, FR,
 *    NL, IT, IN, BR, AU, ZA, JP, NG), `(11) 91234-5678` / `85 3803-4670` (Brazil), `912 345 678`,
 *    `612 34 56 78` and `91 485 80 58` (Portugal, Spain), `98765 43210` (India), `347 1234567` (Italy);
 *  - any other shape, bare digits and 7-digit local numbers only next to a word that announces a
 *    phone ("call", "tel:", "mobile", "WhatsApp", …).
 * A run after "order", "tracking", "ISBN", "invoice"… is not a phone; nor is one inside arithmetic.
 */
export function findPhones(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) {
    let run = m[0];
    const runStart = m.index;
    // An unmatched closing parenthesis belongs to the sentence: "(call 415-555-0132)".
    if (run.endsWith(')') && count(run, '(') < count(run, ')')) run = run.slice(0, -1);
    const runEnd = runStart + run.length;
    const next = text.charCodeAt(runEnd);
    if (isWordCode(next) || next === 64 /* @ */) continue; // "415-555-0132abc", a hex string, a version tag
    // A list of numbers or a number written in thousands ("1,234,567"), not a field in a CSV row.
    if ((text[runStart - 1] === ',' && /\d/.test(text[runStart - 2] ?? '')) || /^,\d/.test(text.slice(runEnd, runEnd + 2))) continue;
    const groups = digitGroups(run);
    let digitsTotal = 0;
    for (const g of groups) digitsTotal += g.end - g.start;
    if (digitsTotal < 7) continue;
    if (groups.length >= 4 && (THOUSANDS.test(run) || IN_FOURS.test(run))) continue; // "7 900 000 000", "3977 0740 4034 8578": numbers, not phones
    findInRun(text, run, runStart, groups, spans);
  }
  return spans;
}

const RUN = /(?<![\w+@#$%&*=/\\.\-])(?:\+ ?)?\(?\d+(?:(?:\) ?-? ?| ?\(| - |[ .\-/])\d+)*\)?/g;

interface Group {
  start: number; // offsets in the run
  end: number;
}

function digitGroups(run: string): Group[] {
  const groups: Group[] = [];
  let i = 0;
  while (i < run.length) {
    const c = run.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      const start = i;
      while (i < run.length && run.charCodeAt(i) >= 48 && run.charCodeAt(i) <= 57) i++;
      groups.push({ start, end: i });
    } else i++;
  }
  return groups;
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

/**
 * Tries the whole run, then shorter stretches from its start (a phone number followed by a year, a
 * count…), cutting only at a space; then what follows the number found, the same way.
 */
function findInRun(text: string, run: string, runStart: number, groups: Group[], spans: PiiSpan[]): void {
  let i = 0;
  while (i < groups.length) {
    const from = i === 0 ? 0 : groups[i]!.start - (run[groups[i]!.start - 1] === '(' ? 1 : 0);
    let found = -1;
    let digits = 0;
    const lengths: number[] = [];
    for (let k = i; k < groups.length; k++) {
      digits += groups[k]!.end - groups[k]!.start;
      lengths.push(digits);
      if (digits > 17) break;
    }
    for (let k = i + lengths.length - 1; k >= i; k--) {
      const d = lengths[k - i]!;
      if (d < 7 || d > 17) continue;
      let to = groups[k]!.end;
      if (run[to] === ')' && count(run.slice(from, to), '(') > count(run.slice(from, to), ')')) to++;
      if (k < groups.length - 1 && run[to] !== ' ') continue; // never cut "415-555-0132" in the middle
      if (isPhone(text, runStart + from, runStart + to, run.slice(from, to))) {
        spans.push({ kind: 'phone', start: runStart + from, end: runStart + to });
        found = k;
        break;
      }
    }
    // Nothing at the start of the run: the rest is not tried (a dossier number's tail is no phone number).
    if (found === -1) return;
    i = found + 1;
  }
}

const THOUSANDS = /^\d{1,3}(?: \d{3})+$/;
const IN_FOURS = /^\d{4}(?:[ \-]\d{4}){3,}$/;
const NATIONAL_COUNTRIES: CountryCode[] = ['US', 'GB', 'DE', 'FR', 'BR', 'PT', 'IN', 'ES', 'IT', 'NL', 'AU', 'ZA', 'JP', 'NG'];
/** Where a national number is written with a trunk 0 (so that a national number without one is no number there). */
const TRUNK_ZERO: CountryCode[] = ['GB', 'DE', 'FR', 'NL', 'IT', 'IN', 'BR', 'AU', 'ZA', 'JP', 'NG'];

/** Words that announce a phone number, then up to a few words ("call me at", "Tel.:", "WhatsApp no."). */
const PHONE_WORDS =
  /(?:\b(?:phone|phones|tel|tele?phone|mobile|mob|cell|cellphone|call|calling|ring|text|sms|whats\s?app|signal|viber|telegram|fax|contact|reach|dial|hotline|helpline|my\s+(?:new\s+|mobile\s+|cell\s+|phone\s+|home\s+|work\s+|office\s+)?(?:number|no\.?)|liga|ligou|chamada|chamadas|ligação|llamado|llamada|llamen|llámenme|telefone|telemóvel|telemovel|telefon|teléfono|telefono|móvil|movil|téléphone|portable|celular|handy|ligue|ligar|llama|llámame|llamar|appelle|appeler|numéro|número|nummer|rufnummer|cellulare)\b|☎|📞|📱)[^\n\d]{0,24}$/i;

const DATE_OR_TIME = /^(?:\d{1,4}([./\-])\d{1,2}\1\d{1,4}|\d{4}[./\-]\d{1,2}|\d{1,2}[./\-]\d{4})$/;
const NANP = /^(?:1[ .\-]?)?(?:\(\d{3}\) ?|\d{3}[ .\-])\d{3}[ .\-]\d{4}$/;
const NANP_PARENTHESISED = /^(?:1[ .\-]?)?\(\d{3}\) ?\d{3}[ .\-]\d{4}$/;
const TRUNK_GROUPED = /^\(?0\d[\d)]*[ .\-/(]/;
const BRAZIL = /^\(\d{2}\) ?\d{4,5}[ \-]?\d{4}$|^[1-9]{2} 9?\d{4}-\d{4}$/;
const SPAIN_2322 = /^[89]\d [1-9]\d{2} \d{2} \d{2}$/;
const IBERIAN_3222 = /^[6-9]\d{2} \d{2} \d{2} \d{2}$/;
const IBERIAN_333 = /^9\d{2}[ .\-]\d{3}[ .\-]\d{3}$/;
const INDIA_55 = /^[6-9]\d{4}[ \-]\d{5}$/;
const ITALY_MOBILE = /^3\d{2}[ .\-/]\d{6,7}$/;
const LOCAL_7 = /^\d{3}[ .\-]\d{4}$/;
const ARITHMETIC_BEFORE = /(?:[=*×÷^]|\d\s*[+\-])\s*$/;
const ARITHMETIC_AFTER = /^\s*(?:[=*×÷^+]|-\s*\d)/;

function isPhone(text: string, start: number, end: number, candidate: string): boolean {
  const before = lineBefore(text, start, 48);
  const after = lineAfter(text, end, 8);
  const international = candidate.startsWith('+') || (candidate.startsWith('00') && candidate[2] !== '0');
  if (!international && ARITHMETIC_BEFORE.test(before)) return false;
  if (ARITHMETIC_AFTER.test(after)) return false;
  if (NOT_PERSONAL_NUMBER.test(before)) return false;
  const groups = candidate.match(/\d+/g) ?? [];
  if (groups.length > 1 && groups[groups.length - 1]!.length === 1 && !/\(\d\)/.test(candidate)) return false; // ISBN-10 "0-306-40615-2", "1.2.3.4.5"
  const digitCount = groups.reduce((n, g) => n + g.length, 0);
  if (!international && /0{6}$/.test(groups.join(''))) return false; // a round number

  if (international) {
    const normal = candidate.startsWith('+') ? candidate : `+${candidate.slice(2)}`;
    const n = parse(normal, undefined);
    if (n === undefined) return false;
    if (n.isValid()) return true;
    return n.isPossible() && digitCount >= 8 && (groups.length >= 3 || PHONE_WORDS.test(before));
  }
  if (DATE_OR_TIME.test(candidate)) return false;
  const announced = PHONE_WORDS.test(before);

  if (NANP.test(candidate)) {
    const n = parse(candidate, 'US');
    if (n?.isValid()) return true;
    if (n?.isPossible() && (announced || NANP_PARENTHESISED.test(candidate))) return true;
  }
  if (TRUNK_GROUPED.test(candidate) && digitCount >= 9 && digitCount <= 12) {
    if (validIn(candidate, TRUNK_ZERO)) return true;
  }
  if (BRAZIL.test(candidate) && validIn(candidate, ['BR'])) return true;
  if (SPAIN_2322.test(candidate) && validIn(candidate, ['ES'])) return true;
  if ((IBERIAN_3222.test(candidate) || IBERIAN_333.test(candidate)) && validIn(candidate, ['PT', 'ES'])) return true;
  if (INDIA_55.test(candidate) && validIn(candidate, ['IN'])) return true;
  if (ITALY_MOBILE.test(candidate) && validIn(candidate, ['IT'])) return true;
  if (!announced) return false;
  // Announced: any shape a country of the list accepts, bare digits included.
  const zero = candidate.replace(/^\(/, '').startsWith('0');
  for (const country of NATIONAL_COUNTRIES) {
    if (!zero && TRUNK_ZERO.includes(country) && country !== 'IN' && country !== 'IT') continue;
    if (parse(candidate, country)?.isValid()) return true;
  }
  if (LOCAL_7.test(candidate)) return true; // "call me at 555-0132"
  if (zero && digitCount >= 9 && validIn(candidate, TRUNK_ZERO, true)) return true;
  return NANP.test(candidate) && parse(candidate, 'US')?.isPossible() === true;
}

function validIn(candidate: string, countries: CountryCode[], possibleIsEnough = false): boolean {
  for (const country of countries) {
    const n = parse(candidate, country);
    if (n !== undefined && (possibleIsEnough ? n.isPossible() : n.isValid())) return true;
  }
  return false;
}

function parse(candidate: string, country: CountryCode | undefined) {
  try {
    return country === undefined ? parsePhoneNumberFromString(candidate) : parsePhoneNumberFromString(candidate, country);
  } catch {
    return undefined;
  }
}
