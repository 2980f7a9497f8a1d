// The driver's side of the nodes' reports (node/agent.ts's run): one list in Redis per
// driver, read in order by one blocking connection of its own, a batch at a time.
import type { Redis } from "ioredis";
import { keys } from "../keys";
import type { TaskReport } from "../wire";

export interface JobEnds {
  done(jobId: string, report: TaskReport): void;
  failed(jobId: string, reason: string): void;
}

/** Seconds a read blocks for: how long `stop` may wait for the loop to end. */
const BLOCK_S = 0.5;
const BATCH = 1000;

export class ReportReader {
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(private readonly blocking: Redis, private readonly driverId: string, private readonly ends: JobEnds) {
    this.loop = this.read();
  }

  private async read(): Promise<void> {
    const list = keys.reports(this.driverId);
    while (!this.stopped) {
      try {
        const first = await this.blocking.blpop(list, BLOCK_S);
        if (!first) continue;
        this.deliver(JSON.parse(first[1]) as TaskReport);
        // Then whatever came meanwhile, in one read (Redis 6.2's LPOP with a count).
        for (const text of (await this.blocking.lpop(list, BATCH)) ?? []) this.deliver(JSON.parse(text) as TaskReport);
      } catch {
        if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 100)); // Redis away for a moment
      }
    }
  }

  private deliver(report: TaskReport): void {
    if (report.failed !== undefined) this.ends.failed(report.jobId, report.failed);
    else this.ends.done(report.jobId, report);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    this.blocking.disconnect();
  }
}
