import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The PostgreSQL the tests use: CI and these machines run one on 127.0.0.1:5432 with trust auth. */
export const TEST_POSTGRES_URL = process.env.OPENFEEDBACK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const reachable = await postgresReachable();
if (!reachable) {
  // Visible in every run that skips: a green run without PostgreSQL must not look like a full one.
  console.warn(`\n!!! PostgreSQL is not reachable at ${TEST_POSTGRES_URL}: the PostgreSQL variants of these tests are SKIPPED.\n`);
}

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty database URL each call: a temp SQLite file, or a new PostgreSQL schema. */
  fresh(): { url: string; drop(): Promise<void> };
}

const sqlite: TestDatabase = {
  name: 'sqlite',
  fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'openfeedback-test-'));
    return { url: join(dir, 'pool.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  },
};

const postgres: TestDatabase = {
  name: 'postgres',
  fresh() {
    const schema = `of_test_${randomBytes(6).toString('hex')}`;
    const url = `${TEST_POSTGRES_URL}${TEST_POSTGRES_URL.includes('?') ? '&' : '?'}schema=${schema}`;
    return {
      url,
      drop: async () => {
        const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      },
    };
  },
};

/** Both databases where PostgreSQL is up; SQLite alone (with the warning above) where it is not. */
export const TEST_DATABASES: TestDatabase[] = reachable ? [sqlite, postgres] : [sqlite];
export const POSTGRES_AVAILABLE = reachable;
export { sqlite as SQLITE_TEST_DATABASE, postgres as POSTGRES_TEST_DATABASE };
