import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import { fieldOfIssue } from '../services/validation.js';

/**
 * Validates a request part with its zod schema and fails with the catalogue's `validation_failed`,
 * naming the field (`messages[2].content`), instead of Fastify's generic validation error.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const result = schema.safeParse(data);
    if (result.success) {
      const field = pathToNul(result.data);
      if (field === undefined) return { value: result.data };
      return { error: new AppError('validation_failed', `${field}: must not contain the NUL character (U+0000)`, field) };
    }
    const issue = result.error.issues[0]!;
    const field = fieldOfIssue(issue) ?? (httpPart === 'body' ? undefined : httpPart);
    return { error: new AppError('validation_failed', describeIssue(issue, field), field) };
  };

/**
 * The field holding a string with U+0000, if any. PostgreSQL text cannot store it (SQLite can), so a
 * NUL reached the database as a 500 on one of the two: refused here for every request part, after
 * the schema has bounded the value's shape. Iterative (the value may still be wide), and naming the
 * field only once one is found, so a clean request pays for one walk without allocations per value.
 */
function pathToNul(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  let found = false;
  while (stack.length > 0 && !found) {
    const v = stack.pop();
    if (typeof v === 'string') found = v.includes('\u0000');
    else if (typeof v === 'object' && v !== null) for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push(x);
  }
  return found ? nameNul(value, '') : undefined;
}

function nameNul(v: unknown, path: string): string | undefined {
  if (typeof v === 'string') return v.includes('\u0000') ? path : undefined;
  const entries: [string, unknown][] = Array.isArray(v)
    ? v.map((x, i) => [`${path}[${i}]`, x])
    : typeof v === 'object' && v !== null
      ? Object.entries(v).map(([k, x]) => [path === '' ? k : `${path}.${k}`, x])
      : [];
  for (const [p, x] of entries) {
    const found = nameNul(x, p);
    if (found !== undefined) return found;
  }
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue, field: string | undefined): string {
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `unknown field "${issue.keys[0]}"`;
  if (issue.code === 'invalid_union' && 'discriminator' in issue) message = `unknown or missing "${String(issue.discriminator)}"`;
  return field === undefined ? message : `${field}: ${message}`;
}
