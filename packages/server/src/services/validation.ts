import type { z } from 'zod';

/**
 * The field a validation issue is about, as a client names it: `messages[2].content`, `score`.
 * Union mismatches point at the discriminator.
 */
export function fieldOfIssue(issue: z.core.$ZodIssue): string | undefined {
  const parts = issue.path;
  if (parts.length === 0) {
    if (issue.code === 'unrecognized_keys') return issue.keys[0];
    return undefined;
  }
  let out = '';
  for (const p of parts) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  if (issue.code === 'unrecognized_keys') out += `.${issue.keys[0]}`;
  return out;
}
