import cliProgress from 'cli-progress';

/** A progress bar on stderr when it is a terminal (and wanted); a silent stand-in otherwise. */
export function progressBar(wanted: boolean, total: number, unit: string) {
  if (!wanted || process.stderr.isTTY !== true) return { update: (_n: number) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `{bar} {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (n: number) => bar.update(Math.min(n, total)), stop: () => bar.stop() };
}
