import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import { createAdmin } from '@openfeedback/server';
import { configFrom, withDatabaseOptions } from './common-options.js';
import { withContext } from './open-context.js';

export function adminCommand(): Command {
  const admin = new Command('admin').description('Administer the instance');
  admin.addCommand(
    withDatabaseOptions(new Command('create').description('Create an administrator account and print an API key for it (shown once)'))
      .requiredOption('--handle <handle>', 'the admin account handle')
      .addOption(new Option('--password <password>', 'password (env OPENFEEDBACK_ADMIN_PASSWORD; generated and printed when omitted)'))
      .option('--json', 'print the result as JSON')
      .action(async (options: { handle: string; password?: string; json?: boolean; db?: string; config?: string }) => {
        const { handle, password: given, json, ...rest } = options;
        const supplied = given ?? (process.env.OPENFEEDBACK_ADMIN_PASSWORD || undefined);
        const password = supplied ?? randomBytes(18).toString('base64url');
        const result = await withContext(configFrom(rest), (ctx) => createAdmin(ctx, handle, password));
        // Only a generated password is printed: one the operator supplied (flag or env) stays out of logs.
        const out = { id: result.contributor.id, handle, roles: result.contributor.roles, api_key: result.apiKey.key, ...(supplied === undefined && { password }) };
        if (json === true) process.stdout.write(`${JSON.stringify(out)}\n`);
        else {
          process.stdout.write(`Created admin "${handle}" (${out.id}).\n`);
          if (supplied === undefined) process.stdout.write(`Password: ${password}\n`);
          process.stdout.write(`API key (shown once, keep it safe): ${out.api_key}\n`);
        }
      }),
  );
  return admin;
}
