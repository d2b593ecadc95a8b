/** A "computing…" note on standard error while `run` works, when that is a terminal; wiped afterwards. */
export async function withComputingNote<T>(what: string, run: () => Promise<T>): Promise<T> {
  if (process.stderr.isTTY !== true) return run();
  const note = `computing ${what}…`;
  process.stderr.write(note);
  try {
    return await run();
  } finally {
    process.stderr.write(`\r${' '.repeat(note.length)}\r`);
  }
}
