import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';
import * as interchange from './0002-interchange.js';
import * as webApp from './0003-web-app.js';
import * as privacyAndReleases from './0004-privacy-and-releases.js';
import * as arena from './0005-arena.js';
import * as quality from './0006-quality.js';
import * as judgementPages from './0007-judgement-pages.js';

/** Migrations are compiled in (not read from a folder) so that the CLI and tests find them wherever they run. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-interchange': interchange,
  '0003-web-app': webApp,
  '0004-privacy-and-releases': privacyAndReleases,
  '0005-arena': arena,
  '0006-quality': quality,
  '0007-judgement-pages': judgementPages,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
