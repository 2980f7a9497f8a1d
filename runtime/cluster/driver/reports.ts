// The driver's side of the nodes' reports (node/agent.ts's run): one list in Redis per
// driver, read in order by one blocking connection of its own, a batch at a time.
import type { Redis } from "ioredis";
import { keys } from "../keys";
import type { TaskReport } from "../wire";
import { BlockingLoop, blockingLoop } from "../blocking-loop";

export interface JobEnds {
  done(jobId: string, report: TaskReport): void;
  failed(jobId: string, reason: string): void;
}

/** Seconds a read blocks for before it is made again (`stop` ends one at once). */
const BLOCK_S = 5;
const BATCH = 1000;

export class ReportReader {
  private readonly loop: BlockingLoop;

  constructor(blocking: Redis, private readonly driverId: string, private readonly ends: JobEnds) {
    this.loop = blockingLoop(blocking, (connection) => this.readOnce(connection));
  }

  private async readOnce(blocking: Redis): Promise<void> {
    const list = keys.reports(this.driverId);
    const first = await blocking.blpop(list, BLOCK_S);
    if (!first) return;
    this.deliver(JSON.parse(first[1]) as TaskReport);
    // Then whatever came meanwhile, in one read (Redis 6.2's LPOP with a count).
    for (const text of (await blocking.lpop(list, BATCH)) ?? []) this.deliver(JSON.parse(text) as TaskReport);
  }

  private deliver(report: TaskReport): void {
    if (report.failed !== undefined) this.ends.failed(report.jobId, report.failed);
    else this.ends.done(report.jobId, report);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
