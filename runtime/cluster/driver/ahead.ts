// Short tasks sent ahead: a node whose CPUs are all taken gets a few more short tasks
// queued on it, so that it goes from one to the next without waiting for the driver to
// hear of each end and send the next (its own local backend starts each as a CPU frees, and
// holds the CPUs). As the local backend's prefetch (local/prefetch.ts), only for functions
// seen to be short (several of their tasks, the last one too), needing exactly one CPU and
// nothing else; tasks of unknown or long functions wait in the driver's FIFO queue, so the
// schedules the lessons time (sleeps of whole units) are the same as without it.
import type { ClusterTask } from "./tasks";

/**
 * Tasks a node may hold ahead per CPU it has. Enough that a node's reports, and so the
 * driver's next batch for it (node-channels.ts), come many at a time (at 4, tiny tasks went
 * about 4 to a batch and 1,100 a second; at 16, about 14 and 2,500); few enough that a
 * function seen short which turns long keeps at most 16 x 5 ms of short work waiting behind
 * it per CPU (nothing here takes back what was sent ahead, as the local backend does).
 */
export const AHEAD_PER_CPU = 16;
/** A function whose recent tasks ran (on their node, from fetch to report) in less than this counts as short. */
export const SHORT_TASK_MS = 5;

/** Tasks of a function seen before it may count as short: one quick task says little (lesson 02's batch begins with a task of 0 units). */
const SAMPLES_NEEDED = 8;

export class TaskDurations {
  private readonly seen = new Map<number, { count: number; averageMs: number; lastMs: number }>();

  observe(task: ClusterTask, ms: number): void {
    if (task.body.kind !== "task") return;
    const id = task.body.shipment.fn.id;
    const before = this.seen.get(id);
    this.seen.set(id, before ? { count: before.count + 1, averageMs: before.averageMs * 0.8 + ms * 0.2, lastMs: ms } : { count: 1, averageMs: ms, lastMs: ms });
  }

  /** Whether it may go ahead to a node with no CPU free. */
  mayGoAhead(task: ClusterTask): boolean {
    if (task.body.kind !== "task" || task.options.numCpus !== 1 || Object.keys(task.options.resources).length > 0) return false;
    const seen = this.seen.get(task.body.shipment.fn.id);
    return seen !== undefined && seen.count >= SAMPLES_NEEDED && seen.averageMs < SHORT_TASK_MS && seen.lastMs < SHORT_TASK_MS;
  }
}
