import { Command, CommanderError } from 'commander';
import { ConfigError } from '@openfeedback/server';
import { adminCommand } from './commands/admin.js';
import { migrateCommand } from './commands/migrate.js';
import { serveCommand } from './commands/serve.js';
import { statsCommand } from './commands/stats.js';

export function buildProgram(): Command {
  const program = new Command('openfeedback')
    .description('The open pool of human feedback on language models.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  program.addHelpText(
    'after',
    '\nConfiguration: flags, then OPENFEEDBACK_* environment variables, then ./openfeedback.config.json (or --config), then defaults.',
  );
  program.addCommand(serveCommand());
  program.addCommand(migrateCommand());
  program.addCommand(adminCommand());
  program.addCommand(statsCommand());
  return program;
}

/** Runs the command line; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof ConfigError) {
      process.stderr.write(`openfeedback: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`openfeedback: ${(e as Error).message}\n`);
    return 1;
  }
}
