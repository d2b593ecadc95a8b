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
 * the schema has bounded the value's shape. Iterative: the value may still be wide.
 */
function pathToNul(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push([x, `${path}[${i}]`]));
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) stack.push([x, path === '' ? k : `${path}.${k}`]);
    }
  }
  return undefined;
}

function describeIssue(issue: z.core.$ZodIssue, field: string | undefined): string {
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `unknown field "${issue.keys[0]}"`;
  if (issue.code === 'invalid_union' && 'discriminator' in issue) message = `unknown or missing "${String(issue.discriminator)}"`;
  return field === undefined ? message : `${field}: ${message}`;
}
