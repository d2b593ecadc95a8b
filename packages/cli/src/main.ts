import { Command, CommanderError } from 'commander';
import { ConfigError } from '@openfeedback/server';
import { adminCommand } from './commands/admin.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { migrateCommand } from './commands/migrate.js';
import { serveCommand } from './commands/serve.js';
import { releaseCommand } from './commands/release.js';
import { scrubCommand } from './commands/scrub.js';
import { statsCommand } from './commands/stats.js';
import { leaderboardCommand } from './commands/leaderboard.js';
import { agreementCommand } from './commands/agreement.js';
import { modelsCommand } from './commands/models.js';

export function buildProgram(): Command {
  const program = new Command('openfeedback')
    .description('The open pool of human feedback on language models.')
    .version('0.1.0')
    // `openfeedback release create --version 2026.11` is the command's --version, not the program's.
    .enablePositionalOptions()
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
  program.addCommand(leaderboardCommand());
  program.addCommand(agreementCommand());
  program.addCommand(modelsCommand());
  program.addCommand(importCommand());
  program.addCommand(exportCommand());
  program.addCommand(releaseCommand());
  program.addCommand(scrubCommand());
  return program;
}

/** Runs the command line; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  // `openfeedback export … | head`: a reader that stops early is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  try {
    await buildProgram().parseAsync(argv);
    // A command that finished but failed its purpose (import --strict stopped) sets the code.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
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
