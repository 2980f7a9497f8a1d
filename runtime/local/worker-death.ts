// How a pool worker's unexpected death is told to the user (Ray prints worker deaths in
// the driver's output): one line naming the worker, the error that ended it and where it
// was thrown (in the user's cell or file), and what became of the task running on it.
import type { ShippedFunction } from "../core/shipment";
import { mapStack, shippedIdsIn } from "../exec/stack";

/** Why a worker thread ended: a reason for messages, and the error it died of, if any. */
export interface WorkerDeath {
  reason: string;
  error?: Error & { code?: string };
  /** Stopped by the memory monitor (memory-monitor.ts): why, for the task's OutOfMemoryError. */
  outOfMemory?: string;
}

/** What happened to a task that was running on the dead worker. */
export type TaskFate =
  | { task: string; outcome: "retried"; attempt: number; maxRetries: number }
  | { task: string; outcome: "failed"; error: string };

/** Why the worker ran out of memory, if it did: V8 stopped it at its heap limit, or the memory monitor did. */
export function outOfMemory(death: WorkerDeath, heapMb: number): string | undefined {
  if (death.outOfMemory) return death.outOfMemory;
  if (death.error?.code === "ERR_WORKER_OUT_OF_MEMORY") return `its worker's heap reached the limit of ${heapMb} MB (raise it with ray.init({ workerHeapMb }))`;
  return undefined;
}

/** The first frame of the stack that is the user's, with shipped code's lines mapped back to where they were written. */
export function whereThrown(stack: string, functionOf: (id: number) => ShippedFunction | undefined): string | undefined {
  let mapped = stack;
  for (const id of shippedIdsIn(stack)) {
    const fn = functionOf(id);
    if (fn) mapped = mapStack(mapped, id, fn.segments);
  }
  const frame = mapped.split("\n").find((line) => /^\s+at /.test(line) && !/node:internal|\(node:|runtime\/(local\/worker|exec)\//.test(line));
  return frame?.trim().replace(/^at /, "");
}

function fateText(fate: TaskFate): string {
  if (fate.outcome === "retried") {
    const of = fate.maxRetries === -1 ? "retries unlimited" : `${fate.attempt}/${fate.maxRetries}`;
    return `${fate.task} was running on it and is retried (${of})`;
  }
  return `${fate.task} was running on it and failed with ${fate.error}`;
}

export function deathNotice(worker: number, death: WorkerDeath, fates: TaskFate[], where: string | undefined, replaced: boolean): string {
  const cause = death.error ? `${death.error.name}: ${death.error.message}${where ? ` (at ${where})` : ""}` : death.reason;
  const tasks = fates.length > 0 ? fates.map(fateText).join("; ") : "no task was running on it";
  return `(raylet) worker ${worker} (pid=${process.pid}) died: ${cause}; ${tasks}.${replaced ? " A new worker replaces it." : ""}\n`;
}
