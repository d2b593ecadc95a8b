import type { Feedback, Message } from '@openfeedback/core';
import { mergeCounts, scrubText, type PiiCounts } from '@openfeedback/core/privacy';

/**
 * Personal data never reaches the database: every text a person or a model contributes passes here
 * first, and is stored with what was removed (kinds and counts, never the originals).
 */

/** JSON of the counts, or null when nothing was removed (the column stays empty for clean text). */
export function piiColumn(counts: PiiCounts): string | null {
  return Object.keys(counts).length === 0 ? null : JSON.stringify(counts);
}

export interface ScrubbedText {
  text: string;
  removed: PiiCounts;
}

export function scrub(text: string): ScrubbedText {
  const s = scrubText(text);
  return { text: s.text, removed: s.removed };
}

/** A message with its content scrubbed, and the column noting what was removed. */
export function scrubMessage<M extends Pick<Message, 'content'>>(message: M): Omit<M, 'pii_removed'> & { pii_removed: string | null } {
  const s = scrubText(message.content);
  return { ...message, content: s.text, pii_removed: piiColumn(s.removed) };
}

/** The free-text fields of feedback events: corrections, critiques, flag notes. */
export function scrubFeedback(event: Feedback): { event: Feedback; pii_removed: string | null } {
  let removed: PiiCounts = {};
  const copy = { ...event } as Record<string, unknown>;
  for (const field of ['text', 'note'] as const) {
    const value = copy[field];
    if (typeof value !== 'string') continue;
    const s = scrubText(value);
    copy[field] = s.text;
    removed = mergeCounts(removed, s.removed);
  }
  return { event: copy as Feedback, pii_removed: piiColumn(removed) };
}
