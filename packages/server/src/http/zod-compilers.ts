import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import { fieldOfIssue, pathToNul } from '../services/validation.js';

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

function describeIssue(issue: z.core.$ZodIssue, field: string | undefined): string {
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `unknown field "${issue.keys[0]}"`;
  if (issue.code === 'invalid_union' && 'discriminator' in issue) message = `unknown or missing "${String(issue.discriminator)}"`;
  return field === undefined ? message : `${field}: ${message}`;
}
