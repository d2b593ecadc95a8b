import type { Kysely } from 'kysely';
import type Database from 'better-sqlite3';
import type { Schema } from './schema.js';

type Job = { run: (trx: Kysely<Schema>) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };

const MAX_JOBS_PER_COMMIT = 512;

/**
 * Group commit for SQLite. SQLite has one writer at a time anyway; instead of one transaction (and,
 * with synchronous=full, one fsync) per request, the writes that arrive while a commit is under way
 * are run together in the next transaction, each inside its own savepoint so that one failing write
 * rolls back alone. Every caller's promise settles only after the COMMIT that holds its write:
 * nothing is acknowledged before it is durable. Measured: bench/http-feedback.ts.
 */
export class GroupCommit {
  #queue: Job[] = [];
  #flushing = false;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly raw: Database.Database,
  ) {}

  run<T>(write: (trx: Kysely<Schema>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run: write, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#flushing) {
        this.#flushing = true;
        // Let the requests already read from the sockets enqueue their writes before committing.
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const jobs = this.#queue.splice(0, MAX_JOBS_PER_COMMIT);
      const outcomes: { ok: boolean; value: unknown }[] = [];
      try {
        // The connection is held for the whole group, so the raw statements below cannot interleave
        // with anyone's queries. BEGIN IMMEDIATE takes the write lock up front (waiting up to the busy
        // timeout): with a plain BEGIN, a write that reads first fails outright if another process
        // commits in between (found by test/store-contract.test.ts).
        await this.db.connection().execute(async (conn) => {
          this.raw.exec('BEGIN IMMEDIATE');
          try {
            for (const job of jobs) {
              this.raw.exec('SAVEPOINT job');
              try {
                const value = await job.run(conn);
                this.raw.exec('RELEASE job');
                outcomes.push({ ok: true, value });
              } catch (e) {
                this.raw.exec('ROLLBACK TO job; RELEASE job');
                outcomes.push({ ok: false, value: e });
              }
            }
            this.raw.exec('COMMIT');
          } catch (e) {
            if (this.raw.inTransaction) this.raw.exec('ROLLBACK');
            throw e;
          }
        });
      } catch (e) {
        // The commit itself failed: none of these writes happened.
        for (const job of jobs) job.reject(e);
        continue;
      }
      jobs.forEach((job, i) => (outcomes[i]!.ok ? job.resolve(outcomes[i]!.value) : job.reject(outcomes[i]!.value)));
    }
    this.#flushing = false;
  }
}
