// The tasks submitted and not finished, by id and by the refs they will settle, and what
// finishing one means for its objects: its refs settle (those nothing holds are freed), the
// arguments it never received are let go, and an error no ref can give (numReturns: 0) is
// printed rather than lost. Which worker ran it is the dispatcher's side of its end.
import type { ObjectStore } from "./object-store";
import type { RefCounts } from "../core/ref-counts";
import type { DependencyResolver } from "./dependencies";
import { Outcome, settleRefs } from "./outcome";
import { printIn } from "../core/task-output";
import { qualifiedName, Task } from "./task";

export class TaskTable {
  private readonly tasks = new Map<number, Task>();
  private readonly byRef = new Map<string, Task>();
  private nextId = 0;
  /** Finished since `init` (the dashboard's count). */
  finished = 0;

  constructor(private readonly store: ObjectStore, private readonly refs: RefCounts, private readonly resolver: DependencyResolver) {}

  newId(): number {
    return this.nextId++;
  }

  add(task: Task): void {
    for (const id of task.refs) {
      this.store.create(id);
      this.byRef.set(id, task);
    }
    this.tasks.set(task.id, task);
  }

  get(id: number | undefined): Task | undefined {
    return id === undefined ? undefined : this.tasks.get(id);
  }

  ofRef(ref: string): Task | undefined {
    return this.byRef.get(ref);
  }

  all(): IterableIterator<Task> {
    return this.tasks.values();
  }

  counts(): { queued: number; running: number } {
    let queued = 0;
    let running = 0;
    for (const task of this.tasks.values()) {
      if (task.state === "queued") queued++;
      else if (task.state === "running") running++;
    }
    return { queued, running };
  }

  /** `child` (by one of its refs) was submitted by `parent` (by id): cancelling the parent cancels it too. */
  recordChild(parent: number | undefined, childRef: string | undefined): void {
    const from = this.get(parent);
    const child = childRef === undefined ? undefined : this.byRef.get(childRef);
    if (from && child) (from.children ??= []).push(child.id);
  }

  /** Its end: its refs settle, it is forgotten, what it held is let go. */
  close(task: Task, outcome: Outcome): void {
    task.state = "finished";
    this.finished++;
    this.tasks.delete(task.id);
    for (const id of task.refs) this.byRef.delete(id);
    this.settleRefs(task, outcome);
    if ("error" in outcome && task.refs.length === 0 && task.actor === undefined) this.reportUnheld(task, outcome.error);
    this.resolver.release(task);
    task.shipment = undefined as never;
    task.args = [];
  }

  /** An actor's creation leaves the table when its thread starts (the actor table has it from then on). */
  forget(task: Task): void {
    task.state = "finished";
    this.tasks.delete(task.id);
  }

  settleRefs(task: Task, outcome: Outcome): void {
    settleRefs(this.store, this.refs, task.refs, outcome);
  }

  /** A task with numReturns: 0 has no ref to get its error from: as Ray, print it rather than lose it. */
  private reportUnheld(task: Task, error: Error): void {
    const text = `Unhandled error of ${qualifiedName(task)} (numReturns: 0, no ref to get it from): ${error.stack ?? error.message}\n`;
    printIn(task.context, process.stderr, text);
  }

  /** `ray.shutdown()`: every task left fails with `error`. */
  failAll(error: (task: Task) => Error): void {
    for (const task of this.tasks.values()) {
      task.state = "finished";
      for (const id of task.refs) this.store.settle(id, { error: error(task) });
    }
    this.tasks.clear();
  }
}
