import { z } from 'zod';
import { Id, LanguageTag, Text, Timestamp } from './primitives.js';
import { Role } from './roles.js';

const PREFER_NOT = 'prefer_not_to_say' as const;

/**
 * Self-reported, optional, and every field accepts "prefer not to say". Never IPs, never fingerprints.
 */
export const Demographics = z.strictObject({
  age_range: z.enum(['18-24', '25-34', '35-44', '45-54', '55-64', '65+', PREFER_NOT]).optional(),
  gender: z.string().min(1).max(64).optional(),
  country: z
    .string()
    .regex(/^([A-Z]{2}|prefer_not_to_say)$/, 'must be an ISO 3166-1 alpha-2 code or "prefer_not_to_say"')
    .optional(),
  languages: z.array(LanguageTag).max(20).optional(),
  education: z.enum(['primary', 'secondary', 'tertiary', 'postgraduate', PREFER_NOT]).optional(),
});
export type Demographics = z.infer<typeof Demographics>;

/** A domain the person knows, and how well: used to route items to people who can judge them. */
export const Expertise = z.strictObject({
  domain: z.string().min(1).max(64),
  level: z.enum(['some', 'professional', 'expert']),
});
export type Expertise = z.infer<typeof Expertise>;

/**
 * Handles are public pseudonyms: short, lowercase, with at least one letter, so that neither an
 * e-mail address ("@" is not allowed) nor a phone number can become someone's public name.
 */
export const Handle = z
  .string()
  .min(3)
  .max(32)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be 3–32 lowercase letters, digits, "_" or "-", starting with a letter or digit')
  .regex(/[a-z]/, 'must contain a letter (a handle is a pseudonym, not a number)');

export const Contributor = z.object({
  id: Id,
  handle: z.string(),
  display_name: z.string().max(80).nullable(),
  roles: z.array(Role),
  demographics: Demographics,
  expertise: z.array(Expertise),
  trust: z.number().min(0).max(1),
  created_at: Timestamp,
});
export type Contributor = z.infer<typeof Contributor>;

export const SignUpInput = z.strictObject({
  handle: Handle,
  password: z.string().min(10, 'must be at least 10 characters').max(256),
  display_name: Text.min(1).max(80).optional(),
});
export type SignUpInput = z.infer<typeof SignUpInput>;

export const SignInInput = z.strictObject({ handle: z.string().min(1).max(32), password: z.string().min(1).max(256) });
export type SignInInput = z.infer<typeof SignInInput>;

export const ProfileUpdate = z.strictObject({
  display_name: Text.min(1).max(80).nullable().optional(),
  demographics: Demographics.optional(),
  expertise: z.array(Expertise).max(20).optional(),
});
export type ProfileUpdate = z.infer<typeof ProfileUpdate>;
