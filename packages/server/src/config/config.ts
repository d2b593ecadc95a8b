import { z } from 'zod';

/**
 * A whole number from JSON or from a flag/environment string. Not `z.coerce.number()`: it turns
 * `""`, `" "`, `null`, `true` and `[8080]` into numbers, so `OPENFEEDBACK_PORT=" "` listened on a random port.
 */
const integer = (schema: z.ZodInt) => z.preprocess((v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v), schema);

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
});

export type Config = Readonly<z.output<typeof ConfigSchema>>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export const CONFIG_KEYS = Object.keys(ConfigSchema.shape) as (keyof Config)[];
