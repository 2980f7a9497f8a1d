import { Worker } from "node:worker_threads";
import { join } from "node:path";
import { KeyboardInterrupt } from "../../preload/time";
import { setSleepInterruptFlag } from "../../runtime/exec/sleep-interrupt";
import { setStopRegistry } from "../../preload/cell-interrupts";
import { CURRENT_CELL, FLAG_SLOTS, INTERRUPTED_CELL, SLEEP_FLAG } from "./interrupt-flags";
import { currentCell, runInCell } from "./cell-context";

/** The pipe the kernel writes "<cell id>\n" to for each interrupt (fd 4 of the executor). */
export const INTERRUPT_FD = 4;

const flags = new Int32Array(new SharedArrayBuffer(4 * FLAG_SLOTS));
Atomics.store(flags, INTERRUPTED_CELL, -1);

/**
 * Interrupts arrive twice: as SIGINT, which Node turns into an exception inside a
 * synchronously running cell (breakOnSigint), and as a line on a pipe read by a thread,
 * which wakes `time.sleep` and abandons an awaited cell even when SIGINT cannot help.
 * `seen` tells the kernel the cell's thread took the interrupt: if it does not, that
 * thread is stuck where nothing can reach it, and the kernel replaces the executor.
 */
export function listenForInterrupts(abandonAwaitedCell: () => void, seen: () => void): void {
  setSleepInterruptFlag(flags);
  const watcher = new Worker(join(__dirname, "interrupt-watcher.js"), { workerData: { fd: INTERRUPT_FD, flags } });
  watcher.on("message", (cell: number) => {
    seen();
    if (Atomics.load(flags, CURRENT_CELL) === cell) abandonAwaitedCell();
  });
  watcher.unref();
}

/**
 * Throws if the running cell was interrupted before its code started: the SIGINT came
 * while the cell was being compiled and was spent then, so a loop in the cell would no
 * longer see it (and the kernel would have to replace the executor).
 */
export function throwIfInterrupted(): void {
  if (Atomics.load(flags, SLEEP_FLAG) !== 0) throw new KeyboardInterrupt("the cell was interrupted before it started");
}

/**
 * A new cell starts uninterrupted, unless an interrupt named it while it waited: then it
 * stops before its code runs (throwIfInterrupted). Interrupts for earlier cells no longer
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
