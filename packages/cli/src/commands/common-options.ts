import { Option, type Command } from 'commander';
import { loadConfig, type Config } from '@openfeedback/server';

/** The options every command that opens the pool shares. */
export function withDatabaseOptions(command: Command): Command {
  return command
    .addOption(new Option('--db <url>', 'SQLite file or postgres:// URL (env OPENFEEDBACK_DB)'))
    .addOption(new Option('--config <file>', 'JSON config file (env OPENFEEDBACK_CONFIG; default ./openfeedback.config.json)'));
}

/** Flags win over the environment, which wins over the config file. */
export function configFrom(options: { config?: string; [flag: string]: unknown }): Config {
  const { config: file, ...flags } = options;
  return loadConfig({ flags, file });
}
