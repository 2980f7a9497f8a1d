import { Worker } from "node:worker_threads";
import { join } from "node:path";
import { setSleepInterruptFlag } from "../../preload/time";

/** The pipe the kernel writes a byte to for each interrupt (fd 4 of the executor). */
export const INTERRUPT_FD = 4;

const flag = new Int32Array(new SharedArrayBuffer(4));

/**
 * Interrupts arrive twice: as SIGINT, which Node turns into an exception inside a
 * synchronously running cell (breakOnSigint), and as a byte on a pipe read by a thread,
 * which wakes `time.sleep` and abandons an awaited cell even when SIGINT cannot help.
 */
export function listenForInterrupts(abandonAwaitedCell: () => void): void {
  setSleepInterruptFlag(flag);
  const watcher = new Worker(join(__dirname, "interrupt-watcher.js"), { workerData: { fd: INTERRUPT_FD, flag } });
  watcher.on("message", abandonAwaitedCell);
  watcher.unref();
}

/** A new cell starts uninterrupted. */
export function clearInterrupt(): void {
  Atomics.store(flag, 0, 0);
}
