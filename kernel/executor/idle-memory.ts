// Gives memory back to the system while the learner is between cells. Compiling a cell
// leaves its program and type checker behind until the next cell, so they reach V8's old
// generation; V8's regular full collections free them but keep the pages committed, and
// it never shrinks the heap of a process that merely sits idle. Measured with the kernel
// benchmark's cells (trace-gc): after 200 cells the executor had 169 MB of heap committed
// for 82 MB live, and its RSS stayed at 324 MB through 30 s of rest. A full collection of
// the kind `gc()` runs compacts and releases: 273 MB. It takes 20-180 ms (more on a loaded
// machine), so it runs only after a pause with no request (cells run back to back, as in
// "Run All", never wait for it) and only when the heap has grown well past its size after
// the last release.
// Once, too, right after the executor has finished starting (releaseNow): the declaration
// files it parsed without docs and the converter that read them, about 40 MB, are garbage
// then, but V8 sizes the heap's next limit from what its last full collection found live,
// and one had found them live. Measured (trace-gc, 200 cells): live heap after the start
// 82 MB instead of 123; with the one-byte TypeScript source of load-typescript.ts, the
// kernel's tree held 303-307 MB of RSS after the cells instead of 303-393 (interleaved
// runs; the spread is where each run stopped in V8's cycle).
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** A pause this long after the last answer, with no request since, counts as idle. */
const IDLE_AFTER_MS = 2_000;
/** Growth of the committed heap since the last release worth a collection. */
const WORTH_RELEASING_BYTES = 32 * 1024 * 1024;

/**
 * V8's `gc` function, taken from a context made while `--expose-gc` holds, and the flag
 * then switched off again: cells' global scope has no `gc` (Node's documented way to set
 * a V8 flag at run time; it does not touch worker threads started later).
 */
function collectorFunction(): () => void {
  setFlagsFromString("--expose-gc");
  try {
    return runInNewContext("gc") as () => void;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
}

export class IdleMemoryRelease {
  private readonly collect = collectorFunction();
  private timer: NodeJS.Timeout | undefined;
  private committedAfterRelease = getHeapStatistics().total_heap_size;

  /** Each collection runs through `asOwnWork`: an interrupt meanwhile does not wait for it (interrupts.ts). */
  constructor(private readonly asOwnWork: (work: () => void) => void) {}

  /** A request came: whatever release was waiting waits for the next pause. */
  busy(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The executor answered and waits: release memory if the pause lasts. */
  idle(): void {
    this.busy();
    this.timer = setTimeout(() => this.releaseIfWorthIt(), IDLE_AFTER_MS);
    // The executor lives as long as its kernel; the timer should not be what keeps it.
    this.timer.unref();
  }

  /** A compacting full collection now; see the opening comment for when that is worth it. */
  releaseNow(): void {
    this.asOwnWork(this.collect);
    this.committedAfterRelease = getHeapStatistics().total_heap_size;
  }

  private releaseIfWorthIt(): void {
    this.timer = undefined;
    if (getHeapStatistics().total_heap_size - this.committedAfterRelease >= WORTH_RELEASING_BYTES) this.releaseNow();
  }
}
