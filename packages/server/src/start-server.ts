import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { buildApp, type AppOptions } from './http/build-app.js';
import { createServiceContext, type ServiceContext } from './services/context.js';
import { scheduleQualityPasses } from './services/quality-pass.js';
import { migrateToLatest, openStore } from './store/store.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: ServiceContext;
  url: string;
  close(): Promise<void>;
}

/** Opens (and migrates) the database, builds the API and listens: what `openfeedback serve` runs. */
export async function startServer(config: Config, options: AppOptions = {}): Promise<RunningServer> {
  const store = await openStore(config.db, { sqliteSynchronous: config.sqliteSynchronous, postgresPoolSize: config.postgresPoolSize });
  await migrateToLatest(store);
  const ctx = createServiceContext(store, config);
  const app = await buildApp(ctx, options);
  const url = await app.listen({ port: config.port, host: config.host });
  const stopQualityPasses = scheduleQualityPasses(ctx, app.log);
  let closed = false;
  return {
    app,
    ctx,
    url,
    close: async () => {
      if (closed) return;
      closed = true;
      await stopQualityPasses();
      await app.close();
      await store.close();
    },
  };
}
