import { findEmails } from './email.js';
import { findIbans } from './iban.js';
import { findIpAddresses } from './ip-address.js';
import { findMacAddresses } from './mac-address.js';
import { findNationalIds } from './national-id.js';
import { findPaymentCards } from './payment-card.js';
import { findPhones } from './phone.js';
import { findSecrets } from './secret.js';
import { findStreetAddresses } from './street-address.js';
import { PII_PLACEHOLDERS, type PiiKind, type PiiSpan } from './types.js';

/**
 * Which span wins where two of different kinds overlap: first the kinds a format or checksum
 * proves (tier 0) over phone numbers (libphonenumber's validity is looser) over street addresses
 * (a pattern only); then the longer span; then this order within a tier.
 */
const TIER: Record<PiiKind, number> = {
  secret: 0,
  email: 0,
  iban: 0,
  payment_card: 0,
  national_id: 0,
  mac_address: 0,
  ip_address: 0,
  phone: 1,
  street_address: 2,
};
const ORDER: PiiKind[] = ['secret', 'email', 'iban', 'payment_card', 'national_id', 'mac_address', 'ip_address', 'phone', 'street_address'];

/**
 * Every piece of personal data or secret in `text`: sorted by start, non-overlapping. Offsets are
 * UTF-16 code units (what `String.prototype.slice` takes).
 *
 * Scrubbing must be idempotent, so the text as it will read once scrubbed is checked too: a value
 * a detector passed over because it was glued to another (`ana@x.pt+44 20 7946 0958`) can stand
 * alone next to a placeholder (`[EMAIL]+44 20 7946 0958`). What that second look finds is mapped
 * back onto the input and added, until nothing new turns up.
 */
export function findPii(text: string): PiiSpan[] {
  let spans = detect(text);
  for (let round = 0; round < 8 && spans.length > 0; round++) {
    const segments = placeholderSegments(spans);
    const scrubbed = applyPlaceholders(text, spans);
    const again = detect(scrubbed);
    if (again.length === 0) break;
    const next = resolve([...spans, ...again.map((s) => ({ kind: s.kind, start: toInput(segments, s.start, 'start'), end: toInput(segments, s.end, 'end') }))]);
    if (next.length === spans.length && next.every((s, i) => s.kind === spans[i]!.kind && s.start === spans[i]!.start && s.end === spans[i]!.end)) break;
    spans = next;
  }
  return spans;
}

/** The detectors, each behind a cheap test of what its kind needs (a digit, an `@`). */
function detect(text: string): PiiSpan[] {
  if (text.length === 0) return [];
  const hasDigit = /\d/.test(text);
  const found: PiiSpan[] = [];
  const add = (spans: PiiSpan[]) => {
    for (const s of spans) found.push(s);
  };
  add(findSecrets(text));
  if (text.includes('@')) add(findEmails(text));
  if (hasDigit) {
    add(findIbans(text));
    add(findPaymentCards(text));
    add(findNationalIds(text));
    add(findIpAddresses(text));
    add(findPhones(text));
    add(findStreetAddresses(text));
  }
  if (hasDigit || /[0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}/.test(text)) add(findMacAddresses(text));
  return resolve(found);
}

/** The text with each span replaced by its placeholder. */
export function applyPlaceholders(text: string, spans: PiiSpan[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const s of spans) {
    parts.push(text.slice(at, s.start), PII_PLACEHOLDERS[s.kind]);
    at = s.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

interface Segment {
  /** Where the placeholder is in the scrubbed text… */
  outStart: number;
  outEnd: number;
  /** …and the span it replaced in the input. */
  inStart: number;
  inEnd: number;
}

function placeholderSegments(spans: PiiSpan[]): Segment[] {
  const segments: Segment[] = [];
  let shift = 0;
  for (const s of spans) {
    const length = PII_PLACEHOLDERS[s.kind].length;
    segments.push({ outStart: s.start + shift, outEnd: s.start + shift + length, inStart: s.start, inEnd: s.end });
    shift += length - (s.end - s.start);
  }
  return segments;
}

/** An offset in the scrubbed text as an offset in the input; one inside a placeholder widens to the whole span it stands for. */
function toInput(segments: Segment[], offset: number, side: 'start' | 'end'): number {
  let shift = 0;
  for (const g of segments) {
    if (offset < g.outStart || (offset === g.outStart && side === 'start')) break;
    if (offset < g.outEnd || (offset === g.outEnd && side === 'end')) return side === 'start' ? g.inStart : g.inEnd;
    shift = g.inEnd - g.outEnd;
  }
  return offset + shift;
}

/** Same kind and overlapping: one span, their union. Different kinds: the stronger one alone. */
export function resolve(spans: PiiSpan[]): PiiSpan[] {
  if (spans.length <= 1) return spans.slice();
  const byKind = new Map<PiiKind, PiiSpan[]>();
  for (const s of spans) {
    if (s.end <= s.start) continue;
    const list = byKind.get(s.kind);
    if (list === undefined) byKind.set(s.kind, [s]);
    else list.push(s);
  }
  const merged: PiiSpan[] = [];
  for (const [kind, list] of byKind) {
    list.sort((a, b) => a.start - b.start || b.end - a.end);
    let current: PiiSpan = { ...list[0]! };
    for (let i = 1; i < list.length; i++) {
      const s = list[i]!;
      if (s.start < current.end) current.end = Math.max(current.end, s.end);
      else {
        merged.push(current);
        current = { kind, start: s.start, end: s.end };
      }
    }
    merged.push(current);
  }
  merged.sort((a, b) => TIER[a.kind] - TIER[b.kind] || b.end - b.start - (a.end - a.start) || ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind) || a.start - b.start);
  const kept: PiiSpan[] = [];
  for (const s of merged) if (!overlapsAny(kept, s)) insertSorted(kept, s);
  return kept;
}

function overlapsAny(sorted: PiiSpan[], s: PiiSpan): boolean {
  const i = firstEndingAfter(sorted, s.start);
  return i < sorted.length && sorted[i]!.start < s.end;
}

/** Index of the first span whose end is after `pos` (spans are sorted and disjoint, so ends are sorted too). */
function firstEndingAfter(sorted: PiiSpan[], pos: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.end <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(sorted: PiiSpan[], s: PiiSpan): void {
  const i = firstEndingAfter(sorted, s.start);
  sorted.splice(i, 0, s);
}
