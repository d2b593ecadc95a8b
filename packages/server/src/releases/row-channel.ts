/**
 * Rows handed from one producer to one consumer that pulls them as an async iterable (the Parquet
 * writer), with backpressure: `push` waits while `highWater` rows are queued, so a release writing
 * six Parquet files at once keeps only a few row groups of each in memory.
 */
export class RowChannel<T> implements AsyncIterable<T> {
  private queue: T[] = [];
  private closed = false;
  private failed: unknown = undefined;
  private wakeConsumer: (() => void) | null = null;
  private wakeProducer: (() => void) | null = null;

  constructor(private readonly highWater = 5_000) {}

  async push(row: T): Promise<void> {
    this.queue.push(row);
    this.wakeConsumer?.();
    this.wakeConsumer = null;
    if (this.queue.length >= this.highWater) await new Promise<void>((resolve) => (this.wakeProducer = resolve));
  }

  close(): void {
    this.closed = true;
    this.wakeConsumer?.();
    this.wakeConsumer = null;
  }

  /** Stops the consumer with an error (the producer failed). */
  fail(error: unknown): void {
    this.failed = error;
    this.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        this.wakeProducer?.();
        this.wakeProducer = null;
        for (const row of batch) yield row;
        continue;
      }
      if (this.failed !== undefined) throw this.failed;
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
    }
  }
}
