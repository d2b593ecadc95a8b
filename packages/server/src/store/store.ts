import { Kysely, Migrator, sql, type Transaction } from 'kysely';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { GroupCommit } from './group-commit.js';
import { migrationProvider } from './migrations/index.js';
import { openPostgres } from './postgres-connection.js';
import { openSqlite, type SqliteSynchronous } from './sqlite-connection.js';
import type { Schema } from './schema.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/** Either the whole database or an open transaction: repositories accept both. */
export type Db = Kysely<Schema> | Transaction<Schema>;

export interface Store {
  readonly kind: DatabaseKind;
  readonly db: Kysely<Schema>;
  /** The driver underneath, for the bulk paths that bypass Kysely's per-query work. */
  readonly raw: { kind: 'sqlite'; database: Database.Database } | { kind: 'postgres'; pool: pg.Pool; schema: string | null };
  /**
   * Runs a write in a transaction and resolves once it is committed. On SQLite concurrent writes
   * share one commit (GroupCommit); on PostgreSQL each gets its own transaction from the pool.
   * `work` must use only `trx`: on SQLite a query on `db` inside it would wait for itself.
   */
  write<T>(work: (trx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface StoreOptions {
  sqliteSynchronous?: SqliteSynchronous;
  postgresPoolSize?: number;
}

/** True for `postgres://` and `postgresql://` URLs; anything else is a SQLite file (or `:memory:`). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/**
 * Opens the pool's database: a SQLite file path (`./data/pool.db`, `sqlite:./data/pool.db`, `:memory:`)
 * or a PostgreSQL URL (`postgres://user@host:5432/db`, optionally `?schema=name`).
 */
export async function openStore(url: string, options: StoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(url)) {
    const { pool, schema, dialect } = await openPostgres(url, options.postgresPoolSize ?? 10);
    const db = new Kysely<Schema>({ dialect });
    return {
      kind: 'postgres',
      db,
      raw: { kind: 'postgres', pool, schema },
      write: (work) => db.transaction().execute(work),
      close: () => db.destroy(),
    };
  }
  const file = url.replace(/^sqlite:(\/\/)?/, '');
  const { raw, dialect } = openSqlite(file, options.sqliteSynchronous ?? 'full');
  const db = new Kysely<Schema>({ dialect });
  const group = new GroupCommit(db, raw);
  return { kind: 'sqlite', db, raw: { kind: 'sqlite', database: raw }, write: (work) => group.run(work), close: () => db.destroy() };
}

/**
 * Brings the schema up to date; returns the names of the migrations it ran. Safe when several
 * processes start at once: on PostgreSQL Kysely takes its migration lock (kept in the pool's own
 * schema, or it would find another schema's tables and skip creating its own); on SQLite, which has
 * no such lock, the whole migration runs in one BEGIN IMMEDIATE transaction.
 */
export async function migrateToLatest(store: Store): Promise<string[]> {
  const migrationTableSchema = store.raw.kind === 'postgres' ? (store.raw.schema ?? (await currentSchema(store))) : undefined;
  const migrator = new Migrator({ db: store.db, provider: migrationProvider, ...(migrationTableSchema !== undefined && { migrationTableSchema }) });
  const run = async () => {
    const { error, results } = await migrator.migrateToLatest();
    if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  };
  if (store.raw.kind === 'postgres') return run();
  // One connection underneath: these statements and Kysely's queries share the transaction.
  const raw = store.raw.database;
  raw.exec('BEGIN IMMEDIATE');
  try {
    const ran = await run();
    raw.exec('COMMIT');
    return ran;
  } catch (e) {
    if (raw.inTransaction) raw.exec('ROLLBACK');
    throw e;
  }
}

async function currentSchema(store: Store): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
  return rows[0]!.schema;
}
