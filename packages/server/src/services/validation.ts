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

/**
 * The field holding a string with U+0000, if any. PostgreSQL text cannot store it (SQLite can), so a
 * NUL reached the database as a 500 on one of the two: refused here for every request part, after
 * the schema has bounded the value's shape. Iterative (the value may still be wide), and naming the
 * field only once one is found, so a clean request pays for one walk without allocations per value.
 */
export function pathToNul(value: unknown): string | undefined {
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
