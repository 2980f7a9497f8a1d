// Coalesces writes to Redis: the items given in one turn of the event loop, or while the
// write before is still on its way, go out as one write (one round trip for many). One write
// is in flight at a time, so a busy side sends fewer, larger writes and an idle one waits
// for nothing. Used for the driver's jobs to a node (driver/node-channels.ts) and a node's
// reports to its drivers (node/report-outbox.ts).

interface Pending<T, R> {
  items: T[];
  /** What every item's `add` answers: the write's result, once it is done. */
  written: Promise<R>;
  settle: { resolve: (result: R) => void; reject: (error: Error) => void };
}

export class TurnBatch<T, R> {
  private pending: Pending<T, R> | null = null;
  /** Settles once the write in flight is done (it never rejects: its items' promises do). */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly write: (items: T[]) => Promise<R>) {}

  /** Settles with the result of the write that carries `item`. */
  add(item: T): Promise<R> {
    const pending = (this.pending ??= this.open());
    pending.items.push(item);
    return pending.written;
  }

  private open(): Pending<T, R> {
    let settle!: Pending<T, R>["settle"];
    const written = new Promise<R>((resolve, reject) => (settle = { resolve, reject }));
    void this.writing.then(() => setImmediate(() => (this.writing = this.flush())));
    return { items: [], written, settle };
  }

  private flush(): Promise<void> {
    const { items, settle } = this.pending!;
    this.pending = null;
    return this.write(items).then(settle.resolve, (error) => settle.reject(error as Error));
  }
}
