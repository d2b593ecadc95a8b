import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { CONFIG_KEYS, ConfigSchema, type Config } from './config.js';

/** `rateLimitMax` → `OPENFEEDBACK_RATE_LIMIT_MAX` */
export function envName(key: string): string {
  return `OPENFEEDBACK_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

export const DEFAULT_CONFIG_FILE = 'openfeedback.config.json';

export interface ConfigSources {
  /** Values from command-line flags (highest precedence); undefined entries are ignored. */
  flags?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** A JSON file; defaults to `OPENFEEDBACK_CONFIG` or `./openfeedback.config.json` when it exists. */
  file?: string | undefined;
  cwd?: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Merges flags, environment and config file (in that order of precedence), validates the result
 * and freezes it. A bad value fails here with the key and where it came from, not later at use.
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  // An empty variable counts as unset, as for every other OPENFEEDBACK_* (it used to name the cwd: EISDIR).
  const fileValues = readConfigFile(sources.file ?? (env.OPENFEEDBACK_CONFIG || undefined), cwd);
  const merged: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const fromFlag = sources.flags?.[key];
    const fromEnv = env[envName(key)];
    if (fromFlag !== undefined) [merged[key], origin[key]] = [fromFlag, `flag --${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`];
    else if (fromEnv !== undefined && fromEnv !== '') [merged[key], origin[key]] = [fromEnv, `environment ${envName(key)}`];
    else if (fileValues.values[key] !== undefined) [merged[key], origin[key]] = [fileValues.values[key], `config file ${fileValues.path}`];
  }
  const unknown = Object.keys(fileValues.values).filter((k) => !(CONFIG_KEYS as string[]).includes(k));
  if (unknown.length > 0) throw new ConfigError(`unknown key "${unknown[0]}" in config file ${fileValues.path}`);
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    throw new ConfigError(`invalid configuration "${key}" (from ${origin[key] ?? 'default'}): ${issue.message}`);
  }
  return Object.freeze(parsed.data);
}

function readConfigFile(explicit: string | undefined, cwd: string): { path: string; values: Record<string, unknown> } {
  const path = resolve(cwd, explicit ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(path)) {
    if (explicit !== undefined) throw new ConfigError(`config file ${path} does not exist`);
    return { path, values: {} };
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  const values = z.record(z.string(), z.unknown()).safeParse(json);
  if (!values.success) throw new ConfigError(`config file ${path} must hold a JSON object`);
  return { path, values: values.data };
}
