export { buildApp, API_VERSION, type AppOptions } from './http/build-app.js';
export { ConfigSchema, type Config, type ConfigInput } from './config/config.js';
export { loadConfig, envName, ConfigError, DEFAULT_CONFIG_FILE } from './config/load-config.js';
export { openStore, migrateToLatest, isPostgresUrl, type Store } from './store/store.js';
export { createServiceContext, type ServiceContext } from './services/context.js';
export { startServer, type RunningServer } from './start-server.js';
export { createAdmin } from './services/admin-bootstrap.js';
export { poolStats } from './services/stats.js';
export { AppError, ERROR_CATALOGUE, type ErrorCode } from './errors.js';
