// A thread of the executor that waits for interrupts from the kernel on a pipe. It works
// while the cell's thread is blocked: it raises the flag that wakes `time.sleep`, and
// tells the cell's thread to abandon an awaited cell. When the pipe closes, the kernel
// is gone, and the executor must not outlive it: this thread ends the process.
// The pipe is read through a socket, not a blocking read: a thread stuck in read(2)
// could not be stopped, and process.exit() waits for every thread.
import { Socket } from "node:net";
import { parentPort, workerData } from "node:worker_threads";

const { fd, flag } = workerData as { fd: number; flag: Int32Array };

const pipe = new Socket({ fd, readable: true, writable: false });
pipe.on("data", () => {
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  parentPort?.postMessage("interrupt");
});
const kernelGone = () => process.kill(process.pid, "SIGKILL");
pipe.on("error", kernelGone);
pipe.on("close", kernelGone);
