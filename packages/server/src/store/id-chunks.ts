/**
 * SQLite binds at most 32,766 parameters per statement and PostgreSQL 65,535; a lookup of ids for
 * a bulk batch can pass either. Looking them up a thousand at a time keeps both databases equal.
 */
const IDS_PER_QUERY = 1000;

export async function selectInChunks<T>(ids: readonly string[], select: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const unique = [...new Set(ids)];
  if (unique.length <= IDS_PER_QUERY) return unique.length === 0 ? [] : select(unique);
  const rows: T[] = [];
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY) rows.push(...(await select(unique.slice(i, i + IDS_PER_QUERY))));
  return rows;
}
