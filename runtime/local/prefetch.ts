// Prefetching: short tasks are sent to busy workers ahead of time, a bounded window per
// worker, so that a worker goes from one to the next without a round trip to the driver.
// That must not change the schedule users see (FIFO starts, CPU accounting, the lesson's
// 3W-2 timing), so:
//   - only tasks of functions seen to be short are prefetched, only to workers that are
//     all busy with such tasks, and only ones needing exactly the one CPU the worker holds
//     (the CPU passes from one task to the next, the accounting does not change);
//   - every task sent has a claim cell in shared memory: the worker claims it (atomic
//     compare-and-swap) before running it, and the driver can take back any task not yet
//     claimed the same way, even while the worker is blocked in a long synchronous task.
//     When a worker falls idle, the driver takes back every unstarted prefetched task and
//     schedules them again from the front of the queue, so none waits behind a long task
//     while a worker idles.

/** Tasks a worker may hold beyond the one it is running. */
export const PREFETCH_WINDOW = 128;
/** A function whose recent calls took less than this (ms) counts as short. */
export const SHORT_TASK_MS = 0.2;
const CELLS = 4 * PREFETCH_WINDOW;

/** The value a cell holds while its task is sent and not yet claimed (0: free). */
function tagOf(taskId: number): number {
  return (taskId & 0x3fffffff) + 1;
}

/** Claims (worker) or takes back (driver) a task; true for whoever gets it first. */
export function claim(cells: Int32Array, cell: number, taskId: number): boolean {
  const tag = tagOf(taskId);
  return Atomics.compareExchange(cells, cell, tag, 0) === tag;
}

/** One worker's claim cells, as the driver hands them out. */
export class ClaimCells {
  readonly cells: Int32Array;
  private next = 0;

  /** `size`: how many tasks (or actor calls) may be sent and not yet started at once. */
  constructor(private readonly size = CELLS) {
    this.cells = new Int32Array(new SharedArrayBuffer(size * Int32Array.BYTES_PER_ELEMENT));
  }

  /** Marks the next cell as holding `taskId`; undefined if it is still taken. */
  offer(taskId: number): number | undefined {
    const cell = this.next;
    if (Atomics.load(this.cells, cell) !== 0) return undefined;
    Atomics.store(this.cells, cell, tagOf(taskId));
    this.next = (cell + 1) % this.size;
    return cell;
  }
}

/** Which functions are short: a moving average of their calls' durations. */
export class TaskDurations {
  private readonly averageMs = new Map<number, number>();

  observe(fnId: number, ms: number): void {
    const before = this.averageMs.get(fnId);
    this.averageMs.set(fnId, before === undefined ? ms : before * 0.8 + ms * 0.2);
  }

  isShort(fnId: number): boolean {
    const average = this.averageMs.get(fnId);
    return average !== undefined && average < SHORT_TASK_MS;
  }
}
