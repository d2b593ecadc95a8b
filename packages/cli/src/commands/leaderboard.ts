import { Command, Option } from 'commander';
import { LeaderboardQuery, PromptCategory, type LeaderboardReport } from '@openfeedback/core';
import { communityLeaderboard } from '@openfeedback/server';
import { configFrom, withDatabaseOptions } from './common-options.js';
import { withComputingNote } from './computing-note.js';
import { withContext } from './open-context.js';
import { queryFrom } from './query-options.js';
import { alignColumns, figureText } from './table-format.js';

interface LeaderboardOptions {
  community?: string;
  language?: string;
  category?: string;
  bootstrap?: string;
  seed?: string;
  anchor?: string;
  anchorRating?: string;
  json?: boolean;
  db?: string;
  config?: string;
}

export function leaderboardCommand(): Command {
  return withDatabaseOptions(new Command('leaderboard').description('Print the arena leaderboard: Bradley-Terry ratings with 95 % bootstrap intervals, and the win-rate matrix'))
    .addOption(new Option('--community <slug>', 'one community (slug or id); default: the whole pool'))
    .addOption(new Option('--language <tag>', 'only votes on answers in this language (e.g. pt-BR)'))
    .addOption(new Option('--category <category>', 'prompts of one kind').choices(PromptCategory.options).default('overall'))
    .addOption(new Option('--bootstrap <rounds>', 'bootstrap rounds for the intervals (0: none)').default('100'))
    .addOption(new Option('--seed <n>', "the bootstrap's seed: the same seed and votes, the same leaderboard").default('1'))
    .addOption(new Option('--anchor <model>', "fix this model's rating (slug, id or imported name); default: the mean is 1000"))
    .addOption(new Option('--anchor-rating <rating>', "the anchor's rating").default('1000'))
    .option('--json', 'print JSON (the API\'s LeaderboardReport)')
    .action(async (options: LeaderboardOptions) => {
      const { community, language, category, bootstrap, seed, anchor, anchorRating, json, ...rest } = options;
      const query = queryFrom(LeaderboardQuery, { community, language, category, bootstrap, seed, anchor, anchor_rating: anchorRating });
      const report = await withContext(configFrom(rest), (ctx) => withComputingNote('the leaderboard', () => communityLeaderboard(ctx, query)));
      process.stdout.write(json === true ? `${JSON.stringify(report, null, 2)}\n` : formatLeaderboard(report));
    });
}

/** The leaderboard as a table (rank, model, rating, interval, battles, W/T/L), then the win-rate matrix and the rubric means. */
export function formatLeaderboard(r: LeaderboardReport): string {
  const scope = [r.community === null ? 'the whole pool' : `${r.community.name} (${r.community.slug})`, r.language === null ? null : `language ${r.language}`, r.category === 'overall' ? null : `category ${r.category}`];
  const lines = [
    `Leaderboard of ${scope.filter((s) => s !== null).join(', ')}`,
    `${r.battles} battles (${r.ignored} left out), ${r.bootstrap_rounds} bootstrap rounds, seed ${r.seed}${r.anchor === null ? '' : `, ${nameOf(r, r.anchor.model)} anchored at ${r.anchor.rating}`}`,
  ];
  if (r.rows.length === 0) return `${[...lines, '', 'No battles yet.'].join('\n')}\n`;
  if (!r.connected) lines.push('Not every model is linked to every other by battles: ratings of separate groups compare only through the prior.');
  const table = [
    ['rank', 'model', 'rating', '95% interval', 'battles', 'W', 'T', 'L'],
    ...r.rows.map((row) => [String(row.rank), nameOf(r, row.model.key), row.rating.toFixed(1), `${row.lower.toFixed(1)} – ${row.upper.toFixed(1)}`, String(row.battles), String(row.wins), String(row.ties), String(row.losses)]),
  ];
  lines.push('', ...alignColumns(table, new Set([0, 2, 3, 4, 5, 6, 7])));

  // The matrix: rows and columns numbered as the table's lines; % of the row's battles against the column won, ties half.
  const matrix = [
    ['', '', ...r.rows.map((_, j) => String(j + 1))],
    ...r.rows.map((row, i) => [
      String(i + 1),
      nameOf(r, row.model.key),
      ...r.win_rate[i]!.map((x, j) => (i === j ? '·' : x === null ? '–' : `${Math.round(x * 100)}%`)),
    ]),
  ];
  lines.push('', 'Win rate of the row against the column (ties count half):', ...alignColumns(matrix, new Set(matrix[0]!.map((_, j) => j).filter((j) => j !== 1))));

  if (r.rubric.length > 0) {
    lines.push('', 'Rubric: mean score per model (95% interval, ratings)');
    const rubric = r.rubric.map((q) => [q.question_id, `${q.scale_min}..${q.scale_max}`, q.model_name ?? q.model, figureText(q.mean, 2), q.lower === null ? '' : `${figureText(q.lower, 2)} – ${figureText(q.upper, 2)}`, String(q.ratings)]);
    lines.push(...alignColumns(rubric, new Set([3, 4, 5])).map((l) => `  ${l}`));
  }
  return `${lines.join('\n')}\n`;
}

/** A model key as the table shows it: the slug of a registered model, else its name. */
function nameOf(r: LeaderboardReport, key: string): string {
  const model = r.rows.find((row) => row.model.key === key)?.model;
  return model === undefined ? key : (model.slug ?? model.name);
}
