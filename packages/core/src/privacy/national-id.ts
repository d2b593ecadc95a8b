import { NOT_PERSONAL_NUMBER, digitsOf, lineBefore, luhnValid } from './context.js';
import type { PiiSpan } from './types.js';

/**
 * National identifiers, only where a strict format or a check digit keeps precision: US SSN
 * (dashes or spaces; bare 9 digits when labelled), UK National Insurance number, Brazilian CPF
 * (check digits; formatted, or bare when labelled), Spanish DNI/NIE (check letter), Italian codice
 * fiscale (check letter), French NIR (mod-97 key), Indian Aadhaar (4-4-4 with Verhoeff), and,
 * when labelled, Portuguese NIF, Dutch BSN, Canadian SIN, German Steuer-ID (their check digits).
 */
export function findNationalIds(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const add = (start: number, end: number) => spans.push({ kind: 'national_id', start, end });
  const digits = /\d/.test(text);
  if (digits) {
    for (const m of all(SSN, text)) if (!NOT_PERSONAL_NUMBER.test(lineBefore(text, m.index, 40))) add(m.index, m.index + m[0].length);
    for (const m of all(CPF, text)) if (cpfValid(digitsOf(m[0]))) add(m.index, m.index + m[0].length);
    for (const m of all(DNI, text)) if (dniValid(m[1]!, m[2]!)) add(m.index, m.index + m[0].length);
    for (const m of all(NIE, text)) if (dniValid('XYZ'.indexOf(m[1]!) + m[2]!, m[3]!)) add(m.index, m.index + m[0].length);
    for (const m of all(NIR, text)) if (nirValid(m[0])) add(m.index, m.index + m[0].length);
    for (const m of all(AADHAAR, text)) if (verhoeffValid(digitsOf(m[0])) && !NOT_PERSONAL_NUMBER.test(lineBefore(text, m.index, 40))) add(m.index, m.index + m[0].length);
    for (const m of all(NINO, text)) add(m.index, m.index + m[0].length);
    for (const m of all(CODICE_FISCALE, text)) if (codiceFiscaleValid(m[0])) add(m.index, m.index + m[0].length);
    if (LABELLED_NUMBER.test(text)) for (const m of all(LABELLED, text)) {
      const value = m[2]!;
      const start = m.index + m[0].length - value.length;
      if (labelledValid(m[1]!, digitsOf(value))) add(start, start + value.length);
    }
  }
  return spans;
}

/** The matches of a global regex, without matchAll's copy of the regex on every call. */
function* all(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) yield m;
}

/** Area not 000, 666 or 9xx; group not 00; serial not 0000; one separator used twice. */
const SSN = /(?<![\w\-.,/+])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w\-]|[.,/]\d)/g;
const CPF = /(?<![\w.\-/+])\d{3}\.\d{3}\.\d{3}-\d{2}(?![\w\-]|[.,]\d)/g;
const DNI = /(\d{8})-?([A-HJ-NP-TV-Z])(?![\w\-])(?<![\w\-./]\d{8}-?[A-Z])/g;
const NIE = /(?<![\w\-./])([XYZ])-?(\d{7})-?([A-HJ-NP-TV-Z])(?![\w\-])/g;
const NIR = /(?<![\w\-./+])[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}(?![\w\-]|[ .,]\d)/g;
const AADHAAR = /(?<![\w\-./+])[2-9]\d{3} \d{4} \d{4}(?![\w\-]|[ .,/]\d)/g;
const NINO = /(?<![\w\-])(?:(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]|QQ)(?: ?\d{2} ?\d{2} ?\d{2} ?)[A-D](?![\w\-])/g;
const CODICE_FISCALE = /(?<![\w\-])[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z](?![\w\-])/g;
/** The numbers the labels introduce: the label pattern starts at every word, this one only at digits. */
const LABELLED_NUMBER = /\d{3}[ .\-]?\d{2,3}[ .\-]?\d{3}/;
/** A label, a few words or signs, then the number: "SSN: 123456789", "CPF nº 12345678909", "NIF 123 456 789". */
const LABELLED =
  /\b(SSN|SS#|[Ss]ocial [Ss]ecurity(?: [Nn](?:umber|o\.?))?|CPF|NIF|NIPC|[Nn]úmero de contribuinte|[Cc]ontribuinte|BSN|[Bb]urgerservicenummer|SIN|[Ss]ocial [Ii]nsurance(?: [Nn]umber)?|[Ss]teuer-?(?:ID|[Ii]dentifikationsnummer)|IdNr|Aadhaar|AADHAAR)(?:\s*(?:#|no\.?|nº|n\.º|number|is|:|=)){0,3}\s*(\d{3}[ .\-]?\d{2,3}[ .\-]?\d{3,4}(?:[ .\-]?\d{1,4})?)(?![\w\-]|[.,]\d)/g;

function labelledValid(label: string, d: string): boolean {
  const l = label.toLowerCase();
  if (l.startsWith('ss') || l.startsWith('social security')) return d.length === 9 && ssnParts(d);
  if (l === 'cpf') return d.length === 11 && cpfValid(d);
  if (l === 'nif' || l === 'nipc' || l.includes('contribuinte')) return d.length === 9 && nifValid(d);
  if (l === 'bsn' || l.startsWith('burger')) return d.length === 9 && bsnValid(d);
  if (l === 'sin' || l.startsWith('social insurance')) return d.length === 9 && d[0] !== '0' && d[0] !== '8' && luhnValid(d);
  if (l.startsWith('steuer') || l === 'idnr') return d.length === 11 && steuerIdValid(d);
  if (l === 'aadhaar') return d.length === 12 && /^[2-9]/.test(d) && verhoeffValid(d);
  return false;
}

function ssnParts(d: string): boolean {
  const area = d.slice(0, 3);
  return area !== '000' && area !== '666' && d[0] !== '9' && d.slice(3, 5) !== '00' && d.slice(5) !== '0000';
}

export function cpfValid(d: string): boolean {
  if (d.length !== 11 || /^(\d)\1{10}$/.test(d)) return false;
  for (const n of [9, 10]) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Number(d[i]) * (n + 1 - i);
    const check = ((sum * 10) % 11) % 10;
    if (check !== Number(d[n])) return false;
  }
  return true;
}

export function nifValid(d: string): boolean {
  if (d[0] === '0' || (d[0] === '4' && d[1] !== '5')) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(d[i]) * (9 - i);
  const r = sum % 11;
  return (r < 2 ? 0 : 11 - r) === Number(d[8]);
}

function bsnValid(d: string): boolean {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(d[i]) * (9 - i);
  sum -= Number(d[8]);
  return sum % 11 === 0 && sum !== 0;
}

function steuerIdValid(d: string): boolean {
  if (d[0] === '0') return false;
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (Number(d[i]) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  return (11 - product) % 10 === Number(d[10]);
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
function dniValid(number: string, letter: string): boolean {
  return DNI_LETTERS[Number(number) % 23] === letter;
}

function nirValid(s: string): boolean {
  const compact = s.replace(/ /g, '');
  const body = compact.slice(0, 13).replace('2A', '19').replace('2B', '18');
  const key = Number(compact.slice(13));
  // 13 digits do not fit a double exactly: reduce in two steps.
  const mod = (Number(body.slice(0, 7)) % 97 * 1_000_000 + Number(body.slice(7))) % 97;
  return key === 97 - mod;
}

const CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
function codiceFiscaleValid(s: string): boolean {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = s.charCodeAt(i);
    const v = c <= 57 ? c - 48 : c - 65; // digits count as the letters A–J
    sum += i % 2 === 0 ? CF_ODD[v]! : v;
  }
  return String.fromCharCode(65 + (sum % 26)) === s[15];
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1], [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2], [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1], [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
function verhoeffValid(d: string): boolean {
  let c = 0;
  for (let i = 0; i < d.length; i++) c = VERHOEFF_D[c]![VERHOEFF_P[i % 8]![Number(d[d.length - 1 - i])]!]!;
  return c === 0;
}
