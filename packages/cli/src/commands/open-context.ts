import { createServiceContext, migrateToLatest, openStore, type Config, type ServiceContext } from '@openfeedback/server';

/** Opens and migrates the pool for a one-off command, runs it, and closes the database whatever happens. */
export async function withContext<T>(config: Config, run: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  const store = await openStore(config.db, { sqliteSynchronous: config.sqliteSynchronous });
  try {
    await migrateToLatest(store);
    return await run(createServiceContext(store, config));
  } finally {
    await store.close();
  }
}
