/**
 * Group commit for intake: requests that arrive while earlier writes are in flight are written
 * together by one statement (one round trip, one commit) instead of one each.
 * Invariants: a caller's promise settles only after its own item is durably written (or failed); an
 * idle batcher writes an item at once (no added delay), so batches form only under load; a failed
 * batch is retried item by item, so one bad item fails alone.
 */

export interface MicroBatcherOptions<T, R> {
  /** Writes several items at once; returns their results in the same order. */
  writeBatch: (items: readonly T[]) => Promise<R[]>;
  /** Writes one item (used alone, and to retry the items of a failed batch one by one). */
  writeOne: (item: T) => Promise<R>;
  /** The most items one batch writes. */
  maxBatch: number;
  /** How many writes may be in flight at once (batches form while all are busy). */
  maxInFlight: number;
}

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/** Collects items submitted close together and writes them in batches. */
export class MicroBatcher<T, R> {
  private readonly options: MicroBatcherOptions<T, R>;
  private queue: Pending<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(options: MicroBatcherOptions<T, R>) {
    this.options = options;
  }

  /** Queues an item; the promise settles when it has been written. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a free write slot (for tests and diagnostics). */
  get waiting(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // Let the requests parsed in the same turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch);
        this.inFlight += 1;
        void this.write(batch).finally(() => {
          this.inFlight -= 1;
          this.schedule();
        });
      }
    });
  }

  private async write(batch: Pending<T, R>[]): Promise<void> {
    if (batch.length === 1) {
      await this.writeAlone(batch[0]!);
      return;
    }
    let results: R[];
    try {
      results = await this.options.writeBatch(batch.map((p) => p.item));
    } catch {
      // Nothing of a failed batch was written (one statement): retry each alone.
      for (const pending of batch) await this.writeAlone(pending);
      return;
    }
    batch.forEach((pending, i) => pending.resolve(results[i]!));
  }

  private async writeAlone(pending: Pending<T, R>): Promise<void> {
    try {
      pending.resolve(await this.options.writeOne(pending.item));
    } catch (error) {
      pending.reject(error);
    }
  }
}
