import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { Command, Option } from 'commander';
import { EXPORT_VIEWS, ExportFilter, exportView, type ExportView } from '@openfeedback/core';
import { exportRows, OPERATOR, writeJsonl, writeParquet } from '@openfeedback/server';
import { configFrom, withDatabaseOptions } from './common-options.js';
import { withContext } from './open-context.js';

export function exportCommand(): Command {
  return withDatabaseOptions(
    new Command('export')
      .description('Write a training-ready view of the pool as JSON Lines or Parquet')
      .argument('<view>', `one of: ${EXPORT_VIEWS.map((v) => v.name).join(', ')}`),
  )
    .addOption(new Option('--format <format>', 'jsonl or parquet').choices(['jsonl', 'parquet']).default('jsonl'))
    .addOption(new Option('--out <file>', 'the file to write (default: standard output)'))
    .addOption(new Option('--form <form>', 'training views (sft, dpo, kto, reward): conversational (lists of {role, content}) or standard (strings)').choices(['conversational', 'standard']).default('conversational'))
    .addOption(new Option('--filter <key=value...>', `select: ${Object.keys(ExportFilter.shape).join(', ')} (e.g. --filter language=pt kind=thumbs)`))
    .option('--progress', 'count rows on standard error while writing')
    .addHelpText('after', `\nViews:\n${EXPORT_VIEWS.map((v) => `  ${v.name.padEnd(14)} ${v.description}`).join('\n')}`)
    .action(async (viewName: string, options: { format: 'jsonl' | 'parquet'; out?: string; form: 'conversational' | 'standard'; filter?: string[]; progress?: boolean; db?: string; config?: string }) => {
      const found = exportView(viewName);
      if (found === undefined) throw new Error(`unknown view "${viewName}"; views: ${EXPORT_VIEWS.map((v) => v.name).join(', ')}`);
      const view = found;
      const { format, out, form, filter: pairs, progress, ...rest } = options;
      const filter = parseFilter(pairs ?? []);
      const written = await withContext(configFrom(rest), async (ctx) => {
        const sink = out === undefined ? process.stdout : createWriteStream(out);
        let count = 0;
        async function* counted() {
          for await (const row of exportRows(ctx, OPERATOR, view, filter, { form })) {
            count++;
            if (progress === true && count % 10_000 === 0) process.stderr.write(`\r${count.toLocaleString('en')} rows`);
            yield row;
          }
        }
        await write(view, form, format, counted(), sink);
        if (sink !== process.stdout) {
          sink.end();
          await finished(sink);
        }
        return count;
      });
      process.stderr.write(`${progress === true ? '\r' : ''}${written.toLocaleString('en')} rows of ${viewName}${out === undefined ? '' : ` written to ${out}`}\n`);
    });
}

function write(view: ExportView, form: 'conversational' | 'standard', format: 'jsonl' | 'parquet', rows: AsyncIterable<Record<string, unknown>>, sink: NodeJS.WritableStream) {
  const out = sink as unknown as import('node:stream').Writable;
  return format === 'parquet' ? writeParquet(rows, view.columns({ form }), out) : writeJsonl(rows, out);
}

/** `key=value` pairs checked against the export filter; a bad one stops with the key named. */
export function parseFilter(pairs: string[]): ExportFilter {
  const raw: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--filter wants key=value, got "${pair}"`);
    raw[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const parsed = ExportFilter.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`--filter ${String(issue.path[0] ?? (issue as { keys?: string[] }).keys?.[0] ?? '')}: ${issue.message}`);
  }
  return parsed.data;
}
