// Memory the V8 heap limit does not see (ArrayBuffers, Buffers, native allocations) grows
// the process as a whole. Like Ray's memory monitor, this samples the process's resident
// memory and, past a limit, has the driver stop the worker running the newest task (the one
// that loses the least work), so that the task fails alone with OutOfMemoryError instead of
// the system's OOM killer ending the process (and the kernel with it).
import { totalmem } from "node:os";

/** How often the process's memory is sampled. */
const SAMPLE_MS = 250;

/** Ray's default threshold is 95% of the node's memory; the process leaves some for the rest of the machine. */
export function defaultMemoryLimitMb(): number {
  return Math.floor((totalmem() / 2 ** 20) * 0.9);
}

export class MemoryMonitor {
  private readonly timer: NodeJS.Timeout;
  /** A worker is being stopped: its memory is not given back yet, so no second one is chosen meanwhile. */
  private stopping = false;

  /** `overLimit` stops a worker and resolves once it has ended (or at once, if none runs a task). */
  constructor(readonly limitMb: number, private readonly overLimit: (usedMb: number) => Promise<void> | undefined) {
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    // Sampling never keeps a program alive.
    this.timer.unref();
  }

  private sample(): void {
    if (this.stopping) return;
    const usedMb = Math.round(process.memoryUsage.rss() / 2 ** 20);
    if (usedMb <= this.limitMb) return;
    const stopped = this.overLimit(usedMb);
    if (!stopped) return;
    this.stopping = true;
    void stopped.finally(() => (this.stopping = false));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
