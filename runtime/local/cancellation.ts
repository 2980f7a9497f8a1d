// `ray.cancel` of a task, as Ray's: recursive (the tasks it submitted are cancelled with it).
// A queued task (or one sent ahead and taken back) fails with TaskCancelledError and never
// runs. With force, a running task's worker is stopped. Without, a running task cannot be
// interrupted in its thread: its refs fail now, a `time.sleep` in it wakes, and it runs on
// to its end, holding its CPU and keeping nothing alive for a caller; its result is dropped.
import { TaskCancelledError } from "../core/errors";
import type { Dispatcher } from "./dispatcher";
import type { Outcome } from "./outcome";
import { qualifiedName, Task } from "./task";
import type { TaskTable } from "./task-table";
import type { WorkerExits } from "./worker-exits";
import type { WorkerPool } from "./worker-pool";

export class Cancellation {
  constructor(
    private readonly tasks: TaskTable,
    private readonly dispatcher: Dispatcher,
    private readonly pool: WorkerPool,
    private readonly exits: WorkerExits,
    private readonly finish: (task: Task, outcome: Outcome) => void
  ) {}

  cancel(task: Task, force: boolean): void {
    for (const child of task.children ?? []) {
      const running = this.tasks.get(child);
      if (running) this.cancel(running, force);
    }
    if (task.state === "finished") return;
    this.dispatcher.takeBackOne(task);
    if (task.state === "queued") {
      task.cancelled = "queued";
      this.finish(task, { error: new TaskCancelledError(qualifiedName(task)) });
    } else if (force && task.slot) {
      task.cancelled = "force";
      const slot = task.slot;
      this.exits.onExit(slot, { reason: "cancelled with force" }, true);
      void slot.terminate();
    } else if (!task.cancelled) this.cancelRunning(task);
  }

  private cancelRunning(task: Task): void {
    task.cancelled = "running";
    task.slot!.interruptSleep(task.id);
    this.tasks.settleRefs(task, { error: new TaskCancelledError(qualifiedName(task)) });
    this.pool.activity(-1);
    // What was prefetched behind it would wait for it: it goes back to the queue.
    this.dispatcher.requeue(this.dispatcher.takeBack(task.slot!));
    this.dispatcher.schedule();
  }
}
