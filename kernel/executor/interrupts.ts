import { Worker } from "node:worker_threads";
import { join } from "node:path";
import { KeyboardInterrupt } from "../../preload/time";
import { setSleepInterruptFlag } from "../../runtime/exec/sleep-interrupt";
import { setStopRegistry } from "../../preload/cell-interrupts";
import { CURRENT_CELL, FLAG_SLOTS, INTERRUPTED_CELL, InterruptNotice, OWN_WORK, SLEEP_FLAG } from "./interrupt-flags";
import { currentCell, runInCell } from "./cell-context";

/** The pipe the kernel writes "<cell id>\n" to for each interrupt (fd 4 of the executor). */
export const INTERRUPT_FD = 4;

const flags = new Int32Array(new SharedArrayBuffer(4 * FLAG_SLOTS));
Atomics.store(flags, INTERRUPTED_CELL, -1);

/**
 * Interrupts arrive twice: as SIGINT, which Node turns into an exception inside a
 * synchronously running cell (breakOnSigint), and as a line on a pipe read by a thread,
 * which wakes `time.sleep` and abandons an awaited cell even when SIGINT cannot help.
 * The kernel waits for each interrupt to be answered, on that pipe: if the cell's thread
 * never takes it, that thread is stuck where nothing can reach it, and the kernel replaces
 * the executor. The watcher answers for the executor's own work (asOwnWork); else the
 * cell's thread, once it is free to read the watcher's notice, asks the watcher to answer.
 */
export function listenForInterrupts(abandonAwaitedCell: () => void): void {
  setSleepInterruptFlag(flags);
  const watcher = new Worker(join(__dirname, "interrupt-watcher.js"), { workerData: { fd: INTERRUPT_FD, flags } });
  watcher.on("message", ({ cell, answered }: InterruptNotice) => {
    if (!answered) watcher.postMessage(cell);
    if (Atomics.load(flags, CURRENT_CELL) === cell) abandonAwaitedCell();
  });
  watcher.unref();
}

/**
 * Runs the executor's own synchronous work (compiling a cell up to its code, finishing the
 * start, collecting the heap): an interrupt meanwhile is answered at once, since no cell code runs before
 * `beforeCellCode` or the end of `work` checks again. So long work is not taken for a
 * stuck cell. Cell code that `work` starts ends the own work (beforeCellCode).
 */
export function asOwnWork<T>(work: () => T): T {
  const outer = Atomics.exchange(flags, OWN_WORK, 1);
  try {
    return work();
  } finally {
    Atomics.store(flags, OWN_WORK, outer);
  }
}

/**
 * A cell's code is about to run: from here only the cell's thread can take an interrupt.
 * Throws if the cell was interrupted before: the SIGINT came while the cell was being
 * compiled and was spent then, so a loop in the cell would no longer see it (and the
 * kernel would have to replace the executor). The order matters: the watcher reads
 * OWN_WORK after raising the flag, so an interrupt it answered is seen here.
 */
export function beforeCellCode(): void {
  Atomics.store(flags, OWN_WORK, 0);
  if (Atomics.load(flags, SLEEP_FLAG) !== 0) throw new KeyboardInterrupt("the cell was interrupted before it started");
}

/**
 * A new cell starts uninterrupted, unless an interrupt named it while it waited: then it
 * stops before its code runs (beforeCellCode). Interrupts for earlier cells no longer
 * apply. The order of the stores matters: the watcher raises the flag only after it has
 * seen this cell current, so that raise is never cleared here.
 */
export function startCell(cell: number): void {
  Atomics.store(flags, SLEEP_FLAG, 0);
  Atomics.store(flags, CURRENT_CELL, cell);
  if (Atomics.load(flags, INTERRUPTED_CELL) === cell) Atomics.store(flags, SLEEP_FLAG, 1);
}

/** What each cell registered to stop when it is interrupted (see preload/cell-interrupts). */
const stopsByCell = new Map<number, Set<() => void>>();

export function installStopRegistry(): void {
  setStopRegistry((stop) => {
    const cell = currentCell();
    const stops = stopsByCell.get(cell) ?? new Set();
    stopsByCell.set(cell, stops.add(stop));
    return () => {
      stops.delete(stop);
      if (stops.size === 0 && stopsByCell.get(cell) === stops) stopsByCell.delete(cell);
    };
  });
}

/** The cell ended interrupted: what it started that shows progress stops, in its own output. */
export function stopInterruptedCell(cell: number): void {
  const stops = stopsByCell.get(cell);
  stopsByCell.delete(cell);
  for (const stop of stops ?? []) runInCell(cell, stop);
}
