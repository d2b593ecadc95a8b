import { contentId } from '../content-id.js';
import { chain, checkedConversation, invalidRecord, isRecord, readTurns } from '../import-helpers.js';
import type { ImportedFeedback, ImportFormat, ImportResult } from '../imported.js';
import { languageTagOf } from './language-names.js';

/*
 * ShareLM release rows (huggingface.co/datasets/shachardon/ShareLM, dataset card features):
 * `{conversation_id, conversation: [{role, content}], model_name, user_id, timestamp, source,
 * user_metadata: {age, gender, location}, conversation_metadata: {rate, language, redacted, toxic,
 * title, custom_instruction, status, …}}`; every metadata value a string.
 *
 * The people are the source's users: `user_id` (empty in the rows ShareLM reformatted from other
 * datasets) names the author of the user turns and of the rating, given as the interlocutor.
 * What the rate says (github.com/shachardon/share-lm, extension/popup.js and background.js): the
 * plugin's popup rates a whole conversation 👍 / 👎, sent as `rate: "thumbup" | "thumbdown"`; ChatUI
 * answers rated +1 / -1 are sent as `message_ratings: [1, -1, 0, …]`, one per answer (0: unrated).
 * - an up/down rate becomes a thumb on the last answer, the one the user left the conversation on
 *   (the pool's thumbs sit on an answer);
 * - a numeric rate becomes an overall rating of the conversation; no scale is published, so it is
 *   read as 1–5, 1–10 or 1–100 (the smallest that holds it) and the raw value is kept;
 * - message ratings become thumbs on the answers they follow;
 * - anything else is kept in source_meta and noted `rate_not_understood`.
 * `source`, `user_metadata` and `conversation_metadata` are kept whole in the first message's
 * source_meta (`{sharelm: {…}}`).
 */

const UP = new Set(['thumbup', 'thumbsup', 'thumbs_up', 'thumb_up', 'thumbs up', 'up', 'like', 'good', 'positive', '👍', '+1']);
const DOWN = new Set(['thumbdown', 'thumbsdown', 'thumbs_down', 'thumb_down', 'thumbs down', 'down', 'dislike', 'bad', 'negative', '👎', '-1']);
const SCALES = [5, 10, 100];
/** Ids the pool can keep as they are; others are replaced by a content id. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$/;
const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

type RateReading = { kind: 'thumbs'; value: 'up' | 'down' } | { kind: 'rating'; score: number; scale_max: number } | { kind: 'none' } | { kind: 'unknown' };

/**
 * What a ShareLM `rate` says.
 * @example readRate('thumbup') // { kind: 'thumbs', value: 'up' }
 */
export function readRate(rate: unknown): RateReading {
  if (rate === null || rate === undefined || rate === '' || rate === 0 || rate === '0') return { kind: 'none' };
  const text = String(rate).trim().toLowerCase();
  if (UP.has(text)) return { kind: 'thumbs', value: 'up' };
  if (DOWN.has(text)) return { kind: 'thumbs', value: 'down' };
  const score = typeof rate === 'number' ? rate : /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  const scale = SCALES.find((max) => score >= 1 && score <= max);
  return scale === undefined ? { kind: 'unknown' } : { kind: 'rating', score, scale_max: scale };
}

/**
 * An ISO-8601 UTC timestamp from an ISO-like string (no zone: UTC, so that a file reads the same on
 * every machine) or from unix seconds; null for anything else.
 * @example isoTimestamp('2024-05-10 12:00:00') // '2024-05-10T12:00:00.000Z'
 */
export function isoTimestamp(value: unknown): string | null {
  let ms = Number.NaN;
  if (typeof value === 'number') ms = value * 1000;
  else if (typeof value === 'string') {
    const m = ISO_LIKE.exec(value.trim());
    if (m !== null) ms = Date.parse(`${m[1]}T${m[2] ?? '00:00'}${m[3] === undefined ? 'Z' : m[3].toUpperCase()}`);
  }
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : null;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

function readRow(record: unknown, position: number, source: string): ImportResult {
  if (!isRecord(record)) return invalidRecord(position, 'a ShareLM row must be an object');
  if (!('conversation' in record)) {
    const hint = 'conversations' in record ? ' (this looks like a ShareGPT row: use the sharegpt format)' : 'conversation_a' in record ? ' (this looks like an Arena battle: use the arena format)' : '';
    return invalidRecord(position, `a ShareLM row needs a conversation [{role, content}]${hint}`);
  }
  const turns = readTurns(record.conversation, 'conversation');
  if (typeof turns === 'string') return invalidRecord(position, turns);
  const convMeta = isRecord(record.conversation_metadata) ? record.conversation_metadata : {};
  const rawId = typeof record.conversation_id === 'number' ? String(record.conversation_id) : text(record.conversation_id);
  const key = rawId !== null && SAFE_ID.test(rawId) ? rawId : contentId(rawId ?? JSON.stringify([record.conversation, record.user_id, record.timestamp]));
  const id = `${source}:${key}`;
  const author = text(record.user_id);
  const createdAt = isoTimestamp(record.timestamp);
  const model = text(record.model_name);
  const meta: Record<string, unknown> = { source: record.source ?? null, user_metadata: record.user_metadata ?? null, conversation_metadata: record.conversation_metadata ?? null };
  if (rawId !== key) meta.conversation_id = record.conversation_id ?? null;
  if (createdAt === null && record.timestamp !== undefined && record.timestamp !== '') meta.timestamp = record.timestamp;
  const messages = chain(id, turns, (i) => ({
    author: turns[i]!.role === 'user' ? author : null,
    model_name: turns[i]!.role === 'assistant' ? model : null,
    source_meta: i === 0 ? { sharelm: meta } : null,
  }));
  const answers = messages.filter((m) => m.role === 'assistant');
  const feedback: ImportedFeedback[] = [];
  const notes: string[] = [];
  const common = { author, annotator_role: 'interlocutor' as const, created_at: createdAt };
  const rate = readRate(convMeta.rate);
  if (rate.kind === 'unknown') notes.push('rate_not_understood');
  else if (rate.kind === 'rating') feedback.push({ id: `${id}:rate`, kind: 'rating', message_id: null, question_id: null, score: rate.score, scale_min: 1, scale_max: rate.scale_max, ...common });
  else if (rate.kind === 'thumbs') {
    const last = answers.at(-1);
    if (last === undefined) notes.push('rate_without_answer');
    else feedback.push({ id: `${id}:rate`, kind: 'thumbs', message_id: last.id, value: rate.value, ...common });
  }
  if (Array.isArray(convMeta.message_ratings)) {
    for (const [i, r] of convMeta.message_ratings.entries()) {
      const value = r === 1 || r === '1' ? 'up' : r === -1 || r === '-1' ? 'down' : null;
      const answer = answers[i];
      if (value !== null && answer !== undefined) feedback.push({ id: `${id}:rating:${i}`, kind: 'thumbs', message_id: answer.id, value, ...common });
    }
  }
  const language = languageTagOf(convMeta.language);
  return checkedConversation(position, { id, title: text(convMeta.title), language, created_at: createdAt, author, messages, feedback }, [], notes);
}

/** ShareLM release rows: conversations with their user's rating. */
export const shareLmFormat: ImportFormat = {
  name: 'sharelm',
  description: 'ShareLM release rows (conversation, model_name, user_id, conversation_metadata.rate)',
  // The dataset card declares MIT for the collection; rows reformatted from other datasets carry
  // those datasets' terms too (the card asks to check each `source`): name another with --licence.
  defaultLicence: 'MIT',
  createReader: ({ source }) => ({
    read: (record, position) => [readRow(record, position, source)],
    finish: () => [],
  }),
};
