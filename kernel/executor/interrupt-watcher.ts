// A thread of the executor that waits for interrupts from the kernel on a pipe. It works
// while the cell's thread is blocked: it raises the flag that wakes `time.sleep`, and
// tells the cell's thread to abandon an awaited cell. Each interrupt names its cell, so
// that one arriving late never hits the next cell.
// It answers each interrupt on the same pipe once the interrupt is taken: at once when the
// cell's thread runs the executor's own code (it checks the flags before any cell code),
// else when that thread says so (it is free, or SIGINT broke its loop). An interrupt never
// answered means a stuck thread, and the kernel replaces the executor.
// When the pipe closes, the kernel is gone, and the executor must not outlive it.
// The pipe is read through a socket, not a blocking read: a thread stuck in read(2)
// could not be stopped, and process.exit() waits for every thread.
// (Terminating a stuck cell from here through the inspector was tried: in Node 20 it
// aborts the process on an async-hooks assertion, so the kernel handles that case.)
import { Socket } from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import { CURRENT_CELL, INTERRUPTED_CELL, InterruptNotice, OWN_WORK, SLEEP_FLAG } from "./interrupt-flags";

const { fd, flags } = workerData as { fd: number; flags: Int32Array };

/**
 * The kernel names the cell it has sent; the executor may not have started it yet (it is
 * finishing its start, say). The cell then takes the interrupt as it starts (startCell).
 */
function interrupt(cell: number): void {
  Atomics.store(flags, INTERRUPTED_CELL, cell);
  if (Atomics.load(flags, CURRENT_CELL) === cell) {
    Atomics.store(flags, SLEEP_FLAG, 1);
    Atomics.notify(flags, SLEEP_FLAG);
  }
  const answered = Atomics.load(flags, OWN_WORK) === 1;
  if (answered) answer(cell);
  parentPort?.postMessage({ cell, answered } satisfies InterruptNotice);
}

function answer(cell: number): void {
  pipe.write(`${cell}\n`);
}

let buffered = "";
const pipe = new Socket({ fd, readable: true, writable: true });
pipe.on("data", (chunk: Buffer) => {
  const lines = (buffered + chunk.toString()).split("\n");
  buffered = lines.pop() ?? "";
  for (const line of lines) interrupt(Number(line));
});
const kernelGone = () => process.kill(process.pid, "SIGKILL");
pipe.on("error", kernelGone);
pipe.on("close", kernelGone);
// The cell's thread took an interrupt the watcher did not answer.
parentPort?.on("message", answer);
