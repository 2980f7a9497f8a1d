// A thread of the executor that waits for interrupts from the kernel on a pipe. It works
// while the cell's thread is blocked: it raises the flag that wakes `time.sleep`, and
// tells the cell's thread to abandon an awaited cell. When the pipe closes, the kernel
// is gone, and the executor must not outlive it: this thread ends the process.
import { readSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

const { fd, flag } = workerData as { fd: number; flag: Int32Array };
const byte = Buffer.alloc(1);
const pause = new Int32Array(new SharedArrayBuffer(4));

function waitForInterrupts(): void {
  for (;;) {
    let read = 0;
    try {
      read = readSync(fd, byte, 0, 1, null);
    } catch (error) {
      // A non-blocking pipe has nothing yet: wait a little instead of spinning.
      if ((error as NodeJS.ErrnoException).code === "EAGAIN") {
        Atomics.wait(pause, 0, 0, 20);
        continue;
      }
      read = 0;
    }
    if (read === 0) process.kill(process.pid, "SIGKILL");
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    parentPort?.postMessage("interrupt");
  }
}

waitForInterrupts();
