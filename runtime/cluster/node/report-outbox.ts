// A node's reports on its drivers' lists (keys.reports), with the objects they name: those
// of the jobs that end in one turn of the event loop, or while the transaction before was
// being written, go out in one transaction (the objects' SETs, then one RPUSH per driver),
// so that a driver hears of a job only once it can read its objects, and a busy node pays
// one round trip for many ends.
import type { Redis } from "ioredis";
import { keys } from "../keys";
import type { TaskReport } from "../wire";

/** An object a report names: its key in Redis and its stored bytes. */
export type ObjectWrite = [key: string, bytes: Buffer];

interface Outgoing {
  objects: ObjectWrite[];
  /** JSON of each report, by driver. */
  reports: Map<string, string[]>;
  written: Promise<void>;
  settle: { resolve: () => void; reject: (error: Error) => void };
}

export class ReportOutbox {
  private outgoing: Outgoing | null = null;
  /** Settles once the transaction being written is done (or failed). */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly redis: Redis) {}

  /** Settles once the report and its objects are in Redis. */
  send(driverId: string, report: TaskReport, objects: ObjectWrite[]): Promise<void> {
    const outgoing = (this.outgoing ??= this.open());
    outgoing.objects.push(...objects);
    const reports = outgoing.reports.get(driverId);
    if (reports) reports.push(JSON.stringify(report));
    else outgoing.reports.set(driverId, [JSON.stringify(report)]);
    return outgoing.written;
  }

  private open(): Outgoing {
    let settle!: Outgoing["settle"];
    const written = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    void this.writing.then(() => setImmediate(() => (this.writing = this.flush())));
    return { objects: [], reports: new Map(), written, settle };
  }

  private flush(): Promise<void> {
    const { objects, reports, settle } = this.outgoing!;
    this.outgoing = null;
    const transaction = this.redis.multi();
    for (const [key, bytes] of objects) transaction.set(key, bytes);
    for (const [driverId, texts] of reports) transaction.rpush(keys.reports(driverId), ...texts);
    return transaction.exec().then(() => settle.resolve(), settle.reject);
  }
}
