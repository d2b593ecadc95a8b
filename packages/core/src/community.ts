import { z } from 'zod';
import { Id, LanguageTag, MAX_TEXT_CHARS, Slug, Text, Timestamp } from './primitives.js';

/** One question a community asks about answers (its rubric), on an integer scale. */
export const RubricQuestion = z
  .strictObject({
    id: Slug,
    text: Text.min(1).max(500),
    min: z.int().min(-10).max(10).default(1),
    max: z.int().min(-10).max(100).default(5),
    labels: z.array(z.string().max(80)).max(101).optional(),
  })
  .refine((q) => q.max > q.min, { message: 'max must be greater than min', path: ['max'] });
export type RubricQuestion = z.infer<typeof RubricQuestion>;

export const CommunityKind = z.enum(['language', 'domain', 'culture']);

export const CommunityInput = z.strictObject({
  slug: Slug,
  name: Text.min(1).max(120),
  kind: CommunityKind,
  languages: z.array(LanguageTag).max(50).default([]),
  description: Text.max(2000).default(''),
  guidelines: Text.max(MAX_TEXT_CHARS).default(''),
  rubric: z
    .array(RubricQuestion)
    .max(30)
    .default([])
    .refine((qs) => new Set(qs.map((q) => q.id)).size === qs.length, 'rubric question ids must be unique'),
});
export type CommunityInput = z.infer<typeof CommunityInput>;

export const CommunityUpdate = z.strictObject({
  name: CommunityInput.shape.name.optional(),
  languages: z.array(LanguageTag).max(50).optional(),
  description: Text.max(2000).optional(),
  guidelines: Text.max(MAX_TEXT_CHARS).optional(),
  rubric: CommunityInput.shape.rubric.optional(),
});
export type CommunityUpdate = z.infer<typeof CommunityUpdate>;

export const Community = z.object({
  id: Id,
  slug: Slug,
  name: z.string(),
  kind: CommunityKind,
  languages: z.array(z.string()),
  description: z.string(),
  guidelines: z.string(),
  rubric: z.array(RubricQuestion),
  created_at: Timestamp,
});
export type Community = z.infer<typeof Community>;
