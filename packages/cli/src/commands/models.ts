import { Command, Option } from 'commander';
import { ModelUpdate, type Community, type Model } from '@openfeedback/core';
import { listCommunities, listModels, OPERATOR, updateModel } from '@openfeedback/server';
import { configFrom, withDatabaseOptions } from './common-options.js';
import { withContext } from './open-context.js';
import { alignColumns } from './table-format.js';

/** `openfeedback models list|update`: the registered models, and what an operator may change of them from here. */
export function modelsCommand(): Command {
  const models = new Command('models').description("List the registered models, or change a model's arena weight");
  models.addCommand(
    withDatabaseOptions(new Command('list').description('List the models with their community, endpoint model and arena weight'))
      .addOption(new Option('--community <slug>', "one community's models (slug or id)"))
      .option('--json', 'print JSON (the API’s Model objects)')
      .action(async (options: { community?: string; json?: boolean; db?: string; config?: string }) => {
        const { community, json, ...rest } = options;
        const [rows, communities] = await withContext(configFrom(rest), (ctx) => Promise.all([listModels(ctx, community), listCommunities(ctx)]));
        process.stdout.write(json === true ? `${JSON.stringify(rows, null, 2)}\n` : formatModels(rows, communities));
      }),
  );
  models.addCommand(
    withDatabaseOptions(new Command('update').description("Change a model's arena weight (how often the arena draws it; 0: never), as an admin would"))
      .argument('<model>', 'the model (slug or id)')
      .requiredOption('--arena-weight <weight>', 'relative weight in its community’s arena, 0 to 1000')
      .option('--json', 'print the updated model as JSON')
      .action(async (model: string, options: { arenaWeight: string; json?: boolean; db?: string; config?: string }) => {
        const { arenaWeight, json, ...rest } = options;
        const weight = arenaWeight.trim() === '' ? Number.NaN : Number(arenaWeight);
        const parsed = ModelUpdate.safeParse({ arena_weight: weight });
        if (!parsed.success) throw new Error(`--arena-weight: must be a number from 0 to 1000 (got "${arenaWeight}")`);
        const updated = await withContext(configFrom(rest), (ctx) => updateModel(ctx, OPERATOR, model, parsed.data));
        process.stdout.write(json === true ? `${JSON.stringify(updated, null, 2)}\n` : `${updated.slug}: arena weight ${updated.arena_weight}\n`);
      }),
  );
  return models;
}

/** The models as an aligned table, each with its community's slug. */
export function formatModels(models: readonly Model[], communities: readonly Community[]): string {
  if (models.length === 0) return 'No models yet.\n';
  const slugOf = new Map(communities.map((c) => [c.id, c.slug] as const));
  const rows = [['slug', 'name', 'community', 'model name', 'arena weight'], ...models.map((m) => [m.slug, m.name, slugOf.get(m.community_id) ?? m.community_id, m.model_name, String(m.arena_weight)])];
  return `${alignColumns(rows, new Set([4])).join('\n')}\n`;
}
