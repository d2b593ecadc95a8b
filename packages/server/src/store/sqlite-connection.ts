import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteDialect } from 'kysely';

export type SqliteSynchronous = 'full' | 'normal';

/**
 * better-sqlite3 behind Kysely, with the pragmas a server wants: WAL (readers never block the
 * writer), foreign keys, a busy timeout, and the chosen durability. `synchronous=full` fsyncs the
 * WAL at every commit (survives power loss); `normal` survives a killed process but may lose the
 * last commits on power loss (https://www.sqlite.org/pragma.html#pragma_synchronous).
 */
export function openSqlite(file: string, synchronous: SqliteSynchronous) {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma(`synchronous = ${synchronous}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // Checkpoint the WAL into the database every ~40 MB instead of every 4 MB: fewer, larger copies
  // (bulk ingest 33k → 36k events/s in bench/bulk-ingest.ts); readers scan a longer WAL index meanwhile.
  raw.pragma('wal_autocheckpoint = 10000');
  return { raw, dialect: new SqliteDialect({ database: withStatementCache(raw) }) };
}

const STATEMENT_CACHE_LIMIT = 1000;

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable, and preparing costs more
 * than running a small insert. Caching them by SQL text made the feedback POST about 20% faster
 * (bench/http-feedback.ts). Kysely runs one query at a time on this connection, so a cached
 * statement is never busy when it is reused.
 */
function withStatementCache(raw: Database.Database) {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => raw.close(),
    prepare: (sql: string) => {
      let stmt = cache.get(sql);
      if (stmt === undefined) {
        if (cache.size >= STATEMENT_CACHE_LIMIT) cache.clear();
        stmt = raw.prepare(sql);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}
