import { v7 as uuidv7 } from 'uuid';
import type { Config } from '../config/config.js';
import type { Store } from '../store/store.js';
import { PrincipalCache } from './principal-cache.js';

/** What every use case needs: the database, the configuration, and the sources of time, ids and chance (replaceable in tests). */
export interface ServiceContext {
  readonly store: Store;
  readonly config: Config;
  readonly now: () => Date;
  readonly newId: () => string;
  /** Numbers in [0, 1): the arena's draws (a seeded generator in tests). */
  readonly random: () => number;
  readonly principals: PrincipalCache;
}

export function createServiceContext(store: Store, config: Config, overrides: Partial<Pick<ServiceContext, 'now' | 'newId' | 'random'>> = {}): ServiceContext {
  return Object.freeze({
    store,
    config,
    now: overrides.now ?? (() => new Date()),
    newId: overrides.newId ?? (() => uuidv7()),
    random: overrides.random ?? Math.random,
    principals: new PrincipalCache(),
  });
}

/** Timestamps are stored as ISO-8601 UTC text with milliseconds: they sort as text on both databases. */
export function timestamp(ctx: ServiceContext): string {
  return ctx.now().toISOString();
}
