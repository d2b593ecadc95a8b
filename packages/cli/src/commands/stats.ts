import { Command } from 'commander';
import { poolStats } from '@openfeedback/server';
import type { PoolStats } from '@openfeedback/core';
import { configFrom, withDatabaseOptions } from './common-options.js';
import { withContext } from './open-context.js';

export function statsCommand(): Command {
  return withDatabaseOptions(new Command('stats').description('Print the pool in numbers'))
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean; db?: string; config?: string }) => {
      const { json, ...rest } = options;
      const stats = await withContext(configFrom(rest), (ctx) => poolStats(ctx));
      process.stdout.write(json === true ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats));
    });
}

export function formatStats(s: PoolStats): string {
  const lines = [
    `contributors   ${s.contributors} (${s.consented_contributors} with active consent)`,
    `communities    ${s.communities}`,
    `models         ${s.models}`,
    `conversations  ${s.conversations}`,
    `messages       ${s.messages}`,
    `feedback       ${s.feedback}`,
  ];
  const breakdown = (title: string, rows: PoolStats['feedback_by_kind']) => {
    if (rows.length === 0) return;
    lines.push('', `feedback by ${title}`);
    for (const r of rows) lines.push(`  ${(r.key ?? '(none)').padEnd(38)} ${r.count}`);
  };
  breakdown('kind', s.feedback_by_kind);
  breakdown('community', s.feedback_by_community);
  breakdown('model', s.feedback_by_model);
  breakdown('language', s.feedback_by_language);
  return `${lines.join('\n')}\n`;
}
