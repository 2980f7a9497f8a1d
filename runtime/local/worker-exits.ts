// What the backend does when a pool worker ends before its tasks did: its prefetched tasks
// go back to the queue, the task running on it is cancelled, failed (out of memory, or no
// retry left) or queued again (a retry spent), a base worker is replaced, and the death is
// printed in the cell of the task running on it. The memory monitor's choice of a worker to
// stop is here too: the newest task loses the least work, as Ray's.
import { OutOfMemoryError, TaskCancelledError, WorkerCrashedError } from "../core/errors";
import { shippedFunction } from "../shipping/shipped-registry";
import type { Dispatcher } from "./dispatcher";
import type { ResourceLedger } from "./resources";
import type { Outcome } from "./outcome";
import { qualifiedName, Task, unassign } from "./task";
import type { TaskTable } from "./task-table";
import { printIn } from "../core/task-output";
import { deathNotice, outOfMemory, TaskFate, whereThrown, WorkerDeath } from "./worker-death";
import type { WorkerPool } from "./worker-pool";
import type { WorkerSlot } from "./worker-slot";

export interface ExitHost {
  finish(task: Task, outcome: Outcome): void;
  /** `ray.shutdown()` was called: workers end, nothing is replaced or reported. */
  stopped(): boolean;
}

export class WorkerExits {
  constructor(
    private readonly tasks: TaskTable,
    private readonly pool: WorkerPool,
    private readonly dispatcher: Dispatcher,
    private readonly ledger: ResourceLedger,
    private readonly heapMb: number,
    private readonly host: ExitHost
  ) {}

  /** `expected`: ended on purpose (a forced cancel), so not reported as a death. */
  onExit(slot: WorkerSlot, death: WorkerDeath, expected = false): void {
    if (!this.pool.remove(slot)) return;
    // Prefetched tasks it never started go back to the queue, no retry spent.
    this.dispatcher.requeue(this.dispatcher.takeBack(slot));
    const running = this.tasks.get(slot.assigned[0]);
    const fates: TaskFate[] = [];
    for (const id of [...slot.assigned]) {
      const task = this.tasks.get(id);
      if (task) fates.push(this.afterWorkerDeath(task, slot, death));
    }
    slot.assigned.length = 0;
    const live = !this.host.stopped() && !slot.terminating;
    const replaced = live && this.pool.replaceIfBelowBase();
    if (live && !expected) this.announceDeath(slot, death, fates, running, replaced);
    this.dispatcher.schedule();
  }

  /** A task its worker died under: cancelled, failed (out of memory, or no retry left), or queued again. */
  private afterWorkerDeath(task: Task, slot: WorkerSlot, death: WorkerDeath): TaskFate {
    const name = qualifiedName(task);
    if (task.cancelled) {
      this.host.finish(task, { error: new TaskCancelledError(name) });
      return { task: name, outcome: "failed", error: "TaskCancelledError" };
    }
    const memory = outOfMemory(death, this.heapMb);
    const retry = !memory && (task.options.maxRetries === -1 || task.retries < task.options.maxRetries);
    if (retry) {
      task.retries++;
      if (!slot.lending && !task.prefetched) this.ledger.give(task.options);
      unassign(task);
      this.dispatcher.requeue([task]);
      return { task: name, outcome: "retried", attempt: task.retries, maxRetries: task.options.maxRetries };
    }
    task.slot = slot;
    if (task.prefetched) this.ledger.take(task.options); // finish gives back what a task holds
    const error = memory
      ? new OutOfMemoryError(`${name} (pid=${process.pid}, worker=${slot.index}) ran out of memory: ${memory}; its worker was stopped, and the task is not retried. Use less memory in the task, or raise the limit.`)
      : new WorkerCrashedError(`worker ${slot.index} (${death.reason}), running ${name}`);
    this.host.finish(task, { error });
    return { task: name, outcome: "failed", error: error.name };
  }

  /** On stderr, in the cell that submitted the task running on it (or the latest one it ran), as Ray prints worker deaths. */
  private announceDeath(slot: WorkerSlot, death: WorkerDeath, fates: TaskFate[], running: Task | undefined, replaced: boolean): void {
    const where = death.error?.stack ? whereThrown(death.error.stack, shippedFunction) : undefined;
    printIn(running?.context ?? slot.lastContext, process.stderr, deathNotice(slot.index, death, fates, where, replaced));
  }

  /** The memory monitor's choice, as Ray's: the task started last loses the least work. */
  stopNewestTask(usedMb: number, limitMb: number): Promise<void> | undefined {
    let newest: Task | undefined;
    for (const slot of this.pool.slots) {
      const head = this.tasks.get(slot.assigned[0]);
      if (head?.state === "running" && !head.prefetched && (!newest || head.startedAt! > newest.startedAt!)) newest = head;
    }
    if (!newest) return undefined;
    const slot = newest.slot!;
    this.onExit(slot, {
      reason: `stopped by the memory monitor: the process used ${usedMb} MB, above its limit of ${limitMb} MB`,
      outOfMemory: `the process used ${usedMb} MB, above the memory monitor's limit of ${limitMb} MB (ray.init({ memoryLimitMb })), while it was the newest task running`,
    });
    return slot.terminate();
  }
}
