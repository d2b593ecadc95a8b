import { z } from 'zod';
import { SpdxId } from './licence.js';
import { Id, Slug, Text, Timestamp } from './primitives.js';

/** An OpenAI-compatible endpoint root, e.g. `http://localhost:11434/v1` (Ollama) or `https://api.openai.com/v1`. */
export const EndpointUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(500);

export const ApiKeyEnv = z.string().regex(/^[A-Z_][A-Z0-9_]{0,63}$/, 'must be an environment variable name such as OPENAI_API_KEY');

/** A model's weight in its community's blind arena: how often it is drawn, relative to the others (0: never). */
export const ArenaWeight = z.number().finite().min(0).max(1000);

export const ModelInput = z.strictObject({
  slug: Slug,
  name: Text.min(1).max(120),
  community_id: Id,
  /** null for the built-in pool model, which answers from the pool itself. */
  base_url: EndpointUrl.nullable(),
  model_name: z.string().min(1).max(200),
  /** The terms the model's outputs come under, in words (e.g. "Apache-2.0 weights; outputs unrestricted"). */
  output_terms: Text.max(2000).default(''),
  /** Licences under which its outputs may be released in the pool. */
  output_licences: z.array(SpdxId).max(20).default([]),
  /**
   * The environment variable of the server that holds the endpoint's API key (e.g. OPENAI_API_KEY):
   * the pool stores where the secret is, never the secret.
   */
  api_key_env: ApiKeyEnv.nullable().default(null),
  arena_weight: ArenaWeight.default(1),
});
export type ModelInput = z.infer<typeof ModelInput>;

export const ModelUpdate = z.strictObject({
  name: ModelInput.shape.name.optional(),
  base_url: ModelInput.shape.base_url.optional(),
  model_name: ModelInput.shape.model_name.optional(),
  output_terms: z.string().max(2000).optional(),
  output_licences: z.array(SpdxId).max(20).optional(),
  api_key_env: ApiKeyEnv.nullable().optional(),
  arena_weight: ArenaWeight.optional(),
});
export type ModelUpdate = z.infer<typeof ModelUpdate>;

export const Model = z.object({
  id: Id,
  slug: Slug,
  name: z.string(),
  community_id: Id,
  owner_id: Id,
  base_url: z.string().nullable(),
  model_name: z.string(),
  output_terms: z.string(),
  output_licences: z.array(z.string()),
  api_key_env: z.string().nullable(),
  arena_weight: z.number(),
  created_at: Timestamp,
});
export type Model = z.infer<typeof Model>;

export const ModelVersionInput = z.strictObject({
  version: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'must be letters, digits, ".", "_", "+" or "-"'),
  /** Release ids of the pool this version was trained on: its provenance. */
  trained_on: z.array(z.string().min(1).max(128)).max(100).default([]),
  notes: Text.max(5000).default(''),
});
export type ModelVersionInput = z.infer<typeof ModelVersionInput>;

export const ModelVersion = z.object({
  id: Id,
  model_id: Id,
  version: z.string(),
  trained_on: z.array(z.string()),
  notes: z.string(),
  created_at: Timestamp,
});
export type ModelVersion = z.infer<typeof ModelVersion>;
