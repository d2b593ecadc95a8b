import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';

/** Migrations are compiled in (not read from a folder) so that the CLI and tests find them wherever they run. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
