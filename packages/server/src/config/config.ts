import { z } from 'zod';

/**
 * A whole number from JSON or from a flag/environment string. Not `z.coerce.number()`: it turns
 * `""`, `" "`, `null`, `true` and `[8080]` into numbers, so `OPENFEEDBACK_PORT=" "` listened on a random port.
 */
const integer = (schema: z.ZodInt) => z.preprocess((v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v), schema);
/** A decimal number from JSON or from a flag/environment string (`0.25`, `.25`, `1`), on the same terms. */
const decimal = (schema: z.ZodNumber) => z.preprocess((v) => (typeof v === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(v) ? Number(v) : v), schema);

/**
 * Everything the server can be told, validated once at start-up and then frozen. Each key can come
 * from a flag (`--rate-limit-max`), an environment variable (`OPENFEEDBACK_RATE_LIMIT_MAX`) or a
 * JSON config file (`"rateLimitMax"`), in that order of precedence.
 */
export const ConfigSchema = z.strictObject({
  port: integer(z.int().min(0).max(65535)).default(8080),
  host: z.string().min(1).default('localhost'),
  /** A SQLite file path (the embedded default) or a postgres:// URL. */
  db: z.string().min(1).default('./data/openfeedback.db'),
  /** `full` fsyncs every commit (survives power loss); `normal` survives a crashed process only. */
  sqliteSynchronous: z.enum(['full', 'normal']).default('full'),
  postgresPoolSize: integer(z.int().min(1).max(200)).default(10),
  /** The consent terms contributors must accept; bump it when the terms change. */
  termsVersion: z.string().min(1).max(32).default('2026-11'),
  /** Requests per window per account, API key, or (anonymous) address. */
  rateLimitMax: integer(z.int().min(1)).default(600),
  rateLimitWindowSeconds: integer(z.int().min(1)).default(60),
  /**
   * Requests per window of one account in all (its sessions and every one of its API keys together),
   * so that minting keys does not multiply the rate; unset: twice `rateLimitMax`.
   */
  rateLimitAccountMax: integer(z.int().min(1)).optional(),
  bodyLimitBytes: integer(z.int().min(1024)).default(1024 * 1024),
  /** Bulk NDJSON ingest streams; this caps one request's total size. */
  ingestLimitBytes: integer(z.int().min(1024)).default(1024 * 1024 * 1024),
  sessionDays: integer(z.int().min(1).max(365)).default(30),
  /** Mark the session cookie Secure: set it when the server is reached over HTTPS. */
  cookieSecure: z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')])
    .default(false),
  trustProxy: z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')])
    .default(false),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where people reach this server (for OpenID Connect redirects and links): scheme, host and port. */
  publicUrl: z.url({ protocol: /^https?$/ }).default('http://localhost:8080'),
  /** Sign-in with an OpenID Connect provider (e.g. https://huggingface.co); off when unset. */
  oidcIssuer: z.url({ protocol: /^https?$/ }).optional(),
  oidcClientId: z.string().min(1).optional(),
  oidcClientSecret: z.string().min(1).optional(),
  /** The provider's name on the sign-in button. */
  oidcName: z.string().min(1).max(40).default('Hugging Face'),
  /** Model endpoints: how long to wait for the first token, and between tokens, before giving up. */
  gatewayFirstTokenSeconds: integer(z.int().min(1).max(600)).default(60),
  gatewayIdleSeconds: integer(z.int().min(1).max(600)).default(30),
  /** Retries of a model request that failed before any token (429, 5xx, connection), with backoff. */
  gatewayRetries: integer(z.int().min(0).max(5)).default(2),
  /** Where releases are built: one folder per version. */
  releasesDir: z.string().min(1).default('./data/releases'),
  /** Publishing releases to the Hugging Face Hub: the dataset repository (`owner/name`) and a write token. */
  hubRepo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name').optional(),
  hubToken: z.string().min(1).optional(),
  hubUrl: z.url({ protocol: /^https?$/ }).default('https://huggingface.co'),
  /** Rate the pool: independent third-party ratings each item aims for before others come first. */
  queueTargetRatings: integer(z.int().min(1).max(50)).default(3),
  /** Ratings added to an item's target when its raters disagree (the minority's share reaches the threshold). */
  queueExtraRatingsOnDisagreement: integer(z.int().min(0).max(50)).default(2),
  queueDisagreementThreshold: decimal(z.number().min(0.01).max(0.5)).default(0.3),
  /** Share of queue servings that are gold items (answers with a known verdict): the 1st, 11th, 21st… at 0.1; 0 never. */
  queueGoldRate: decimal(z.number().min(0).max(1)).default(0.1),
  /** Feedback events one account may record per UTC day (POST /v1/feedback and ingest); 0: no cap. */
  dailyFeedbackCap: integer(z.int().min(0)).default(2000),
  /** Minutes between quality passes (trust, consensus, duplicate prompts, the moderation queue) in `serve`; 0: only on demand. */
  qualityPassMinutes: integer(z.int().min(0).max(10_080)).default(15),
  /**
   * An arena battle left without a new turn or a vote for this many minutes is closed as invalid
   * (`expired`) by the quality pass, or when someone next tries to continue or vote on it; 0: never.
   */
  arenaBattleExpiryMinutes: integer(z.int().min(0).max(10_080)).default(60),
});

export type Config = Readonly<z.output<typeof ConfigSchema>>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export const CONFIG_KEYS = Object.keys(ConfigSchema.shape) as (keyof Config)[];
