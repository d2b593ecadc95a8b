import { Command } from 'commander';
import { migrateToLatest, openStore } from '@openfeedback/server';
import { configFrom, withDatabaseOptions } from './common-options.js';

export function migrateCommand(): Command {
  return withDatabaseOptions(new Command('migrate').description('Create or update the database schema')).action(async (options: { db?: string; config?: string }) => {
    const config = configFrom(options);
    const store = await openStore(config.db, { sqliteSynchronous: config.sqliteSynchronous });
    try {
      const ran = await migrateToLatest(store);
      process.stdout.write(ran.length === 0 ? 'The schema is up to date.\n' : `Applied ${ran.join(', ')}.\n`);
    } finally {
      await store.close();
    }
  });
}
