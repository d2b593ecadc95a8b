import pg from 'pg';
import { PostgresDialect } from 'kysely';

/**
 * A pg pool behind Kysely. A `schema` query parameter (not part of libpq's URL syntax) selects a
 * PostgreSQL schema, created if missing: tests run isolated side by side in one database with it.
 */
export async function openPostgres(url: string, poolSize: number) {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name "${schema}" in the database URL`);
  }
  const connectionString = parsed.toString();
  if (schema !== null) {
    const admin = new pg.Client({ connectionString });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } catch (e) {
      // Two processes creating the same schema at once: IF NOT EXISTS is not atomic in PostgreSQL.
      if (!['23505', '42P06'].includes((e as { code?: string }).code ?? '')) throw e;
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    ...(schema === null ? {} : { options: `-c search_path="${schema}"` }),
  });
  // An idle client that loses its connection emits 'error'; without a listener that would crash the process.
  pool.on('error', () => {});
  return { pool, schema, dialect: new PostgresDialect({ pool }) };
}
