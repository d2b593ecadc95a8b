import { z } from 'zod';
import { ERROR_CATALOGUE, type ErrorCode } from '../errors.js';

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      field: z.string().optional().describe('The request field at fault: `score`, `messages[2].content`, `idempotency-key`.'),
    }),
  })
  .meta({ id: 'Error' });

/** Error responses every route may give, for the OpenAPI document. */
export function errors(...statuses: number[]) {
  return Object.fromEntries([400, 429, ...statuses].map((s) => [s, ErrorResponse])) as Record<number, typeof ErrorResponse>;
}

export const IdParams = z.object({ id: z.string().min(1).max(128) });

export const NoContent = z.null().describe('No content');
