import isLuhnNumberModule from 'validator/lib/isLuhnNumber.js';
import { NOT_PERSONAL_NUMBER, isWordCode, lineAfter, lineBefore } from './context.js';
import type { PiiSpan } from './types.js';

const isLuhnNumber = isLuhnNumberModule.default;

/**
 * Payment card numbers: 13 to 19 digits, bare or in groups separated by single spaces or dashes,
 * with an issuer prefix (IIN) a card network uses and a valid Luhn check digit (validator's
 * isLuhnNumber). The prefix table is ours: validator's isCreditCard misses Maestro, Mir and RuPay
 * and its Mastercard pattern accepts any 51–55 prefix of any length.
 */
export function findPaymentCards(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) {
    const run = m[0];
    const start = m.index;
    const end = start + run.length;
    if (isWordCode(text.charCodeAt(end)) || (text[end] === '.' && /\d/.test(text[end + 1] ?? ''))) continue;
    const groups: { start: number; end: number }[] = [];
    for (const g of run.matchAll(/\d+/g)) groups.push({ start: start + g.index, end: start + g.index + g[0].length });
    const total = groups.reduce((n, g) => n + g.end - g.start, 0);
    if (total < 13) continue;
    // The whole run, else a card number with something after it ("… 4242 12/27 123") or before it.
    const found = window(text, groups, 0, groups.length) ?? bestWindow(text, groups);
    if (found === undefined) continue;
    const before = lineBefore(text, found.start, 40);
    if (NOT_PERSONAL_NUMBER.test(before)) continue;
    // A bare number in a calculation ("6615806005 × 637 = … The result is: 4212883012996").
    const calculation = ARITHMETIC_BEFORE.test(text.slice(Math.max(0, found.start - 40), found.start)) || ARITHMETIC_AFTER.test(lineAfter(text, found.end, 8));
    if (calculation && !/[ \-]/.test(text.slice(found.start, found.end))) continue;
    spans.push({ kind: 'payment_card', ...found });
  }
  return spans;
}

const ARITHMETIC_BEFORE = /\d\s*[=×*÷+^]\s*[^\d=]{0,24}$|\b(?:result|sum|product|equals|quotient|answer)\b[^\d]{0,12}$/i;
const ARITHMETIC_AFTER = /^\s*[=×*÷+^\-/]/;

/** Digit groups joined by single spaces or dashes; never part of a longer word, decimal or dotted number. */
const RUN = /(?<![\w.,+\-/])\d+(?:[ \-]\d+)*/g;

function window(text: string, groups: { start: number; end: number }[], from: number, to: number): { start: number; end: number } | undefined {
  const start = groups[from]!.start;
  const end = groups[to - 1]!.end;
  let digits = '';
  for (let i = from; i < to && digits.length <= 19; i++) digits += text.slice(groups[i]!.start, groups[i]!.end);
  if (digits.length < 13 || digits.length > 19) return undefined;
  if (!issuerAccepts(digits)) return undefined;
  if (to - from > 1 && !consistentGrouping(groups.slice(from, to))) return undefined;
  return isLuhnNumber(digits) ? { start, end } : undefined;
}

/** Windows that start with the run or end with it, longest first (19 digits at most, so at most 19 groups). */
function bestWindow(text: string, groups: { start: number; end: number }[]): { start: number; end: number } | undefined {
  for (let size = Math.min(groups.length - 1, 19); size >= 1; size--) {
    const first = window(text, groups, 0, size);
    if (first !== undefined) return first;
    const last = window(text, groups, groups.length - size, groups.length);
    if (last !== undefined) return last;
  }
  return undefined;
}

/** 4-4-4-4(-3), 4-6-5 (Amex, Diners), 4-4-4-1..4: the groups cards are printed in. */
function consistentGrouping(groups: { start: number; end: number }[]): boolean {
  const sizes = groups.map((g) => g.end - g.start);
  const shape = sizes.join('-');
  if (/^4-6-[45]$/.test(shape)) return true;
  return sizes.slice(0, -1).every((s) => s === 4) && sizes[sizes.length - 1]! <= 4;
}

/** Known issuer ranges and the lengths each issues. */
export function issuerAccepts(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p4 = Number(d.slice(0, 4));
  const p6 = Number(d.slice(0, 6));
  if (d[0] === '4') return n === 13 || n === 16 || n === 19; // Visa
  if (p2 === 34 || p2 === 37) return n === 15; // American Express
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p4 >= 2200 && p4 <= 2204) return n >= 16; // Mir
  if (p2 === 36 || p2 === 38 || p2 === 39 || (p4 >= 3000 && p4 <= 3059) || p4 === 3095) return n >= 14; // Diners Club
  if (p4 >= 3528 && p4 <= 3589) return n >= 16; // JCB
  if (p4 === 6011 || p2 === 65 || (p6 >= 644000 && p6 <= 649999)) return n >= 16; // Discover
  if (p2 === 62 || p2 === 81) return n >= 16; // UnionPay
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 12; // Maestro, RuPay, others in 6
  return false;
}
