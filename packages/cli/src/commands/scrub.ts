import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { scrubText, type Scrubbed } from '@openfeedback/core/privacy';

/**
 * `openfeedback scrub [file|-] [--json]`: the PII scrubbing the server applies before it writes
 * anything, on any text. Prints the text with typed placeholders ([EMAIL], [PHONE], …); with
 * --json, the scrubbed text, the kinds removed and how many, and the spans found (offsets into the
 * input, in UTF-16 code units as JavaScript counts them).
 */
export function scrubCommand(): Command {
  return new Command('scrub')
    .description('Replace personal data and secrets in a text by typed placeholders ([EMAIL], [PHONE], [CARD], …)')
    .argument('[file]', 'the text to scrub; "-" or nothing reads standard input')
    .option('--json', 'print {"text", "removed", "spans": [{kind, start, end}]} (offsets into the input, UTF-16 code units)')
    .addHelpText(
      'after',
      '\nKinds: email, phone, payment_card, iban, ip_address, mac_address, national_id, secret, street_address.\nExamples:\n  openfeedback scrub notes.txt\n  pbpaste | openfeedback scrub --json',
    )
    .action(async (file: string | undefined, options: { json?: boolean }) => {
      const input = file === undefined || file === '-' ? await readStdin() : await readFile(file, 'utf8');
      const scrubbed = scrubText(input);
      process.stdout.write(options.json === true ? `${JSON.stringify(scrubJson(scrubbed))}\n` : scrubbed.text);
    });
}

/** What --json prints: the spans as kind, start, end only. */
export function scrubJson(s: Scrubbed): { text: string; removed: Scrubbed['removed']; spans: { kind: string; start: number; end: number }[] } {
  return { text: s.text, removed: s.removed, spans: s.spans.map(({ kind, start, end }) => ({ kind, start, end })) };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
