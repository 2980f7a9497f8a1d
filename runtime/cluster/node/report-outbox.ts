// A node's reports on its drivers' lists (keys.reports), with the objects they name: those
// of the jobs that end in one turn of the event loop, or while the transaction before was
// being written (../turn-batch.ts), go out in one transaction (the objects' SETs, then one
// RPUSH per driver), so that a driver hears of a job only once it can read its objects, and
// a busy node pays one round trip for many ends.
import type { Redis } from "ioredis";
import { keys } from "../keys";
import type { TaskReport } from "../wire";
import { TurnBatch } from "../turn-batch";

/** An object a report names: its key in Redis and its stored bytes. */
export type ObjectWrite = [key: string, bytes: Buffer];

/** A report, by driver, with the objects it names. */
interface Outgoing {
  driverId: string;
  report: TaskReport;
  objects: ObjectWrite[];
}

export class ReportOutbox {
  private readonly batch = new TurnBatch<Outgoing, void>((items) => this.write(items));

  constructor(private readonly redis: Redis) {}

  /** Settles once the report and its objects are in Redis. */
  send(driverId: string, report: TaskReport, objects: ObjectWrite[]): Promise<void> {
    return this.batch.add({ driverId, report, objects });
  }

  private async write(items: Outgoing[]): Promise<void> {
    const transaction = this.redis.multi();
    const reports = new Map<string, string[]>();
    for (const { driverId, report, objects } of items) {
      for (const [key, bytes] of objects) transaction.set(key, bytes);
      reports.set(driverId, [...(reports.get(driverId) ?? []), JSON.stringify(report)]);
    }
    for (const [driverId, texts] of reports) transaction.rpush(keys.reports(driverId), ...texts);
    await transaction.exec();
  }
}
