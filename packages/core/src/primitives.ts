import { z } from 'zod';

/**
 * An identifier: server-generated ids are UUIDv7 (time-ordered, so they double as a cursor);
 * imported and bulk-ingested records may keep a client's own id, hence the looser pattern.
 * @example Id.parse('0192f5c4-8a6e-7cc1-9d1a-3b8f1e0c2a11')
 */
export const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be letters, digits, ".", "_", ":" or "-"');
export type Id = z.infer<typeof Id>;

/** An ISO-8601 UTC timestamp as stored and returned by the server (`2026-11-28T10:00:00.000Z`). */
export const Timestamp = z.iso.datetime({ offset: true });
export type Timestamp = z.infer<typeof Timestamp>;

/**
 * A BCP-47 language tag, the shape Hugging Face dataset cards and `lang` fields use.
 * @example LanguageTag.parse('pt-BR')
 */
export const LanguageTag = z
  .string()
  .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a BCP-47 language tag such as "en" or "pt-BR"');
export type LanguageTag = z.infer<typeof LanguageTag>;

/** A URL-safe short name: lowercase letters, digits and dashes. */
export const Slug = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase letters, digits and single dashes');
export type Slug = z.infer<typeof Slug>;

/** A character span inside a message's text, `start` inclusive, `end` exclusive (JavaScript string offsets). */
export const Span = z
  .strictObject({ start: z.int().min(0), end: z.int().min(1) })
  .refine((s) => s.end > s.start, { message: 'end must be greater than start', path: ['end'] });
export type Span = z.infer<typeof Span>;

/** Longest message the pool accepts, in characters (long enough for code and documents). */
export const MAX_MESSAGE_CHARS = 200_000;
/** Longest free text of a critique, note or guideline, in characters. */
export const MAX_TEXT_CHARS = 20_000;

/**
 * Free text as people and programs send it. A lone UTF-16 surrogate (text cut inside an emoji)
 * becomes U+FFFD: SQLite and PostgreSQL would otherwise store it differently.
 * @example Text.parse('cut \ud83d') // 'cut \ufffd'
 */
export const Text = z.string().overwrite((s) => s.toWellFormed());
