import { applyPlaceholders, findPii } from './find-pii.js';
import type { PiiCounts, PiiSpan } from './types.js';

export interface Scrubbed {
  /** The text with each span replaced by its kind's placeholder. */
  text: string;
  /** The spans found, as offsets into the input. */
  spans: PiiSpan[];
  /** How many of each kind were removed; never the originals. */
  removed: PiiCounts;
}

/** Replaces every piece of personal data or secret by a typed placeholder ([EMAIL], [PHONE], …). Idempotent. */
export function scrubText(text: string): Scrubbed {
  const spans = findPii(text);
  if (spans.length === 0) return { text, spans, removed: {} };
  const removed: PiiCounts = {};
  for (const s of spans) removed[s.kind] = (removed[s.kind] ?? 0) + 1;
  return { text: applyPlaceholders(text, spans), spans, removed };
}

/** The counts of two scrubs added up (of two fields, of a message's versions, of a release). */
export function mergeCounts(a: PiiCounts, b: PiiCounts): PiiCounts {
  const out: PiiCounts = { ...a };
  for (const [kind, n] of Object.entries(b) as [keyof PiiCounts, number | undefined][]) {
    if (n === undefined || n === 0) continue;
    out[kind] = (out[kind] ?? 0) + n;
  }
  return out;
}
