import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import { IMPORT_FORMATS, importFormat } from '@openfeedback/core';
import { importRecords, OPERATOR, readRecordFile, type ImportReport } from '@openfeedback/server';
import { configFrom, withDatabaseOptions } from './common-options.js';
import { withContext } from './open-context.js';
import { progressBar } from './progress.js';

export function importCommand(): Command {
  return withDatabaseOptions(
    new Command('import')
      .description('Import a feedback dataset into the pool (re-importing adds nothing)')
      .argument('<format>', `one of: ${IMPORT_FORMATS.map((f) => f.name).join(', ')}`)
      .argument('<files...>', 'JSON Lines, JSON array or Parquet files, optionally gzip-compressed'),
  )
    .addOption(new Option('--community <id-or-slug>', 'the community the conversations belong to'))
    .addOption(new Option('--source <name>', 'prefix of ids and people (default: the format name); two datasets of one format need two'))
    .addOption(new Option('--licence <spdx>', "the dataset's licence (default: the format's usual one)"))
    .option('--strict', 'stop at the first record that cannot be imported')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', `\nFormats:\n${IMPORT_FORMATS.map((f) => `  ${f.name.padEnd(14)} ${f.description}`).join('\n')}`)
    .action(async (formatName: string, files: string[], options: { community?: string; source?: string; licence?: string; strict?: boolean; json?: boolean; db?: string; config?: string }) => {
      const format = importFormat(formatName);
      if (format === undefined) throw new Error(`unknown format "${formatName}"; formats: ${IMPORT_FORMATS.map((f) => f.name).join(', ')}`);
      const { community, source, licence, strict, json, ...rest } = options;
      const sizes = files.map((f) => statSync(f).size);
      const bar = progressBar(json !== true, sizes.reduce((a, b) => a + b, 0), 'bytes');
      let done = 0;
      const report = await withContext(configFrom(rest), (ctx) =>
        importRecords(ctx, OPERATOR, { format, source, licence, community, strict }, (async function* () {
          for (const [i, file] of files.entries()) {
            yield { file: basename(file), records: readRecordFile(file, { onBytes: (n) => bar.update(done + n) }) };
            done += sizes[i]!;
          }
        })()),
      );
      bar.stop();
      process.stdout.write(json === true ? `${JSON.stringify(report, null, 2)}\n` : formatImportReport(report));
      if (report.stopped) process.exitCode = 1;
    });
}

export function formatImportReport(r: ImportReport): string {
  const counts = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const lines = [
    `${r.format} (source "${r.source}", licence ${r.licence}): ${r.records} records read`,
    `conversations  ${r.conversations.imported} imported, ${r.conversations.duplicate} already in the pool`,
    `messages       ${r.messages.imported} imported; left out: ${counts(r.messages.skipped)}`,
    `feedback       ${r.feedback.imported} imported`,
    `rejected       ${counts(r.rejected)}`,
  ];
  if (Object.keys(r.notes).length > 0) lines.push(`notes          ${counts(r.notes)}`);
  for (const e of r.errors.slice(0, 20)) lines.push(`  ${e.file}:${e.position}  ${e.code}: ${e.message}`);
  if (r.errors.length > 20) lines.push(`  … ${r.errors.length - 20} more (--json lists up to 1,000)`);
  if (r.stopped) lines.push('stopped at the first problem (--strict)');
  return `${lines.join('\n')}\n`;
}
