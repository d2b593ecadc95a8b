import { Command, Option } from 'commander';
import { startServer } from '@openfeedback/server';
import { configFrom, withDatabaseOptions } from './common-options.js';

export function serveCommand(): Command {
  return withDatabaseOptions(new Command('serve').description('Start the API server on the embedded SQLite pool or on PostgreSQL'))
    .addOption(new Option('-p, --port <port>', 'port to listen on (env OPENFEEDBACK_PORT)').default(undefined, '8080'))
    .addOption(new Option('--host <host>', 'address to listen on (env OPENFEEDBACK_HOST)').default(undefined, 'localhost'))
    .addOption(new Option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent'))
    .action(async (options: { port?: string; host?: string; logLevel?: string; db?: string; config?: string }) => {
      const config = configFrom(options);
      const server = await startServer(config);
      const where = server.ctx.store.kind === 'sqlite' ? config.db : config.db.replace(/\/\/[^@/]*@/, '//…@');
      process.stdout.write(`OpenFeedback listening on ${server.url} (API docs at ${server.url}/docs), pool: ${server.ctx.store.kind} ${where}\n`);
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stdout.write(`${signal}: closing\n`);
        await server.close();
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      await new Promise<void>((resolve) => server.app.server.once('close', resolve));
    });
}
