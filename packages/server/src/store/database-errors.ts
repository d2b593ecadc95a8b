/**
 * A unique index refused a row: two requests created the same id, handle or slug at the same moment
 * (each checked first and found nothing). PostgreSQL says 23505; better-sqlite3 names the constraint.
 */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
