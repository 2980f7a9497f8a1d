// The dispatcher: takes queued tasks in FIFO order as their arguments, the ledger's CPUs and
// the pool's workers allow, and sends them to workers, in one batch per worker per turn.
// Short tasks are also sent ahead to busy workers (prefetch.ts), holding nothing until the
// task before them ends; they are taken back (through their claim cells) when a worker idles
// meanwhile, when the task before them blocks in `get`, or when their worker dies. Which
// worker gets a task is the placement's choice (placement.ts).
import type { TaskMessage } from "./protocol";
import { DependencyResolver } from "./dependencies";
import { claim, TaskDurations } from "./prefetch";
import { leastLoaded, Placement } from "./placement";
import type { ResourceLedger } from "./resources";
import { cpusToPlace } from "./resources";
import { Task, unassign } from "./task";
import { TaskQueue } from "./task-queue";
import type { TaskTable } from "./task-table";
import type { WorkerPool } from "./worker-pool";
import type { WorkerSlot } from "./worker-slot";

/** What the dispatcher hands back to the backend. */
export interface DispatchHost {
  /** One of its arguments failed: the task fails with it. */
  dependencyFailed(task: Task, error: Error): void;
  /** An actor's creation whose CPUs fit: its thread starts. */
  startActor(task: Task): void;
}

type Batches = Map<WorkerSlot, TaskMessage[]>;

export class Dispatcher {
  private readonly queue = new TaskQueue<Task>((task) => task.state === "queued");
  /** The tasks submitted from inside tasks, also in `queue`: a CPU lent by a task blocked in `get` goes to them first. */
  private readonly nested = new TaskQueue<Task>((task) => task.state === "queued");
  private readonly durations = new TaskDurations();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly tasks: TaskTable,
    private readonly pool: WorkerPool,
    private readonly ledger: ResourceLedger,
    private readonly resolver: DependencyResolver,
    private readonly host: DispatchHost,
    private readonly placement: Placement = leastLoaded
  ) {}

  enqueue(task: Task, nested: boolean): void {
    this.queue.push(task);
    if (nested) this.nested.push(task);
    this.schedule();
  }

  /** Back at the front of the queue, in submission order. */
  requeue(tasks: Task[]): void {
    if (tasks.length > 0) this.queue.unshift(tasks.sort((a, b) => a.id - b.id));
  }

  /** Dispatches once this turn's submissions and results are in. */
  schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  /** How long the function's tasks ran, in ms: short ones may be sent ahead. */
  observe(fnId: number, ms: number): void {
    this.durations.observe(fnId, ms);
  }

  private dispatch(): void {
    const batches: Batches = new Map();
    this.startOnIdleSlots(batches);
    // A worker idles while others hold unstarted prefetched tasks: take those back, so
    // that they start in order on whichever worker is free.
    if (this.placement.idle(this.pool.slots) && this.pool.slots.some((slot) => slot.assigned.length > 1)) {
      const back = this.pool.slots.flatMap((slot) => this.takeBack(slot));
      if (back.length > 0) {
        this.requeue(back);
        this.startOnIdleSlots(batches);
      }
    }
    if (!this.placement.idle(this.pool.slots)) this.prefetch(batches);
    for (const [slot, tasks] of batches) slot.send(tasks);
  }

  /**
   * Starts queued tasks, in order, as far as their arguments, CPUs and idle workers allow.
   * While a task is blocked in `get`, the tasks submitted from inside tasks come first: the
   * blocked ones are likely waiting for them (Ray's fair queueing has the same effect).
   */
  private startOnIdleSlots(batches: Batches): void {
    // Each worker still starting will take one of the tasks left waiting for a worker; the
    // CPUs of those are reserved, so that the workers started for lent CPUs do not overshoot.
    const waiting = { starting: this.pool.starting(), cpus: 0 };
    const visit = (task: Task) => this.startOrWait(task, batches, waiting);
    if (this.pool.anyLending()) this.nested.scan(visit);
    // Otherwise only the tasks that left its head are dropped, so that it keeps none for long.
    else this.nested.first();
    this.queue.scan(visit);
  }

  /** False: nothing further can start in this scan. */
  private startOrWait(task: Task, batches: Batches, waiting: { starting: number; cpus: number }): boolean {
    // Nothing further can start: stop scanning (the queue may hold 200,000 tasks).
    if (this.ledger.noCpuLeft(waiting.cpus) && cpusToPlace(task.options) > 0) return false;
    if (!this.argumentsReady(task) || !this.ledger.fits(task.options, waiting.cpus)) return true;
    if (task.actor !== undefined) {
      this.host.startActor(task);
      return true;
    }
    const slot = this.placement.idle(this.pool.slots);
    if (slot) {
      this.start(task, slot, batches, false);
      return true;
    }
    if (waiting.starting > 0) waiting.starting--;
    else if (this.pool.mayGrowFor(task.options.numCpus)) this.pool.add();
    else return false;
    waiting.cpus += task.options.numCpus;
    return true;
  }

  /** Arguments settled? Fails the task if one of them failed. */
  private argumentsReady(task: Task): boolean {
    const resolution = this.resolver.resolve(task, () => this.schedule());
    if (resolution.state === "failed") this.host.dependencyFailed(task, resolution.error);
    return resolution.state === "ready";
  }

  /** Sends short tasks from the head of the queue to busy workers' windows (prefetch.ts). */
  private prefetch(batches: Batches): void {
    const shortHead = (slot: WorkerSlot) => {
      const holder = this.tasks.get(slot.assigned[0]);
      return holder !== undefined && this.prefetchable(holder);
    };
    this.queue.scan((task) => {
      if (!this.prefetchable(task) || !this.argumentsReady(task)) return false;
      const target = this.placement.ahead(this.pool.slots, shortHead);
      return target !== undefined && this.start(task, target, batches, true);
    });
  }

  /** One CPU, nothing else, no recycling, and a function seen to be short. */
  private prefetchable(task: Task): boolean {
    const o = task.options;
    if (o.numCpus !== 1 || o.maxCalls > 0 || task.deps.length > 0 || task.actor !== undefined) return false;
    for (const _ in o.resources) return false;
    return this.durations.isShort(task.shipment.fn.id);
  }

  /** Takes back the slot's prefetched tasks that have not started. */
  takeBack(slot: WorkerSlot): Task[] {
    const back: Task[] = [];
    for (let i = slot.assigned.length - 1; i >= 0; i--) {
      const task = this.tasks.get(slot.assigned[i]);
      if (!task?.prefetched || !claim(slot.claims.cells, task.cell!, task.id)) continue;
      slot.assigned.splice(i, 1);
      unassign(task);
      back.push(task);
    }
    return back;
  }

  /** Takes back one prefetched task before it starts (it is cancelled): false if it started. */
  takeBackOne(task: Task): boolean {
    const slot = task.slot;
    if (task.state !== "running" || !task.prefetched || !slot || !claim(slot.claims.cells, task.cell!, task.id)) return false;
    slot.assigned.splice(slot.assigned.indexOf(task.id), 1);
    unassign(task);
    return true;
  }

  /** Sends the task to the slot; a prefetched one takes no resources (the CPU passes to it). */
  private start(task: Task, slot: WorkerSlot, batches: Batches, prefetched: boolean): boolean {
    const cell = slot.claims.offer(task.id);
    if (cell === undefined) return false;
    Object.assign(task, { state: "running", slot, cell, prefetched, startedAt: Date.now() });
    slot.lastContext = task.context;
    if (!prefetched) this.ledger.take(task.options);
    slot.assigned.push(task.id);
    const fn = task.shipment.fn;
    const message: TaskMessage = {
      task: task.id,
      cell,
      name: task.name,
      fn: slot.knownFunctions.has(fn.id) ? fn.id : fn,
      data: task.shipment.data,
      args: task.args,
      numReturns: task.options.numReturns,
    };
    slot.knownFunctions.add(fn.id);
    let batch = batches.get(slot);
    if (!batch) batches.set(slot, (batch = []));
    batch.push(message);
    return true;
  }

  /** A running task ended: it leaves its worker, and its CPU passes to the prefetched task the worker runs next, if any. */
  release(task: Task): void {
    if (task.state !== "running") return;
    const slot = task.slot!;
    const at = slot.assigned.indexOf(task.id);
    if (at === 0) slot.assigned.shift();
    else if (at > 0) slot.assigned.splice(at, 1);
    if (!task.prefetched) {
      const next = this.tasks.get(slot.assigned[0]);
      if (next?.prefetched) {
        next.prefetched = false;
        if (slot.lending) this.ledger.take(next.options);
      } else if (!slot.lending) this.ledger.give(task.options);
    }
    slot.lending = false;
    const head = this.tasks.get(slot.assigned[0]);
    if (head) head.startedAt = Date.now();
  }

  /** The running task blocked in `get` (or unblocked): its CPU is lent to others meanwhile. */
  lend(slot: WorkerSlot, task: Task, blocked: boolean): void {
    if (slot.lending === blocked) return;
    slot.lending = blocked;
    if (!blocked) return this.ledger.take(task.options);
    this.ledger.give(task.options);
    // What was prefetched behind a task now waiting for others would wait with it.
    this.requeue(this.takeBack(slot));
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.queue.clear();
    this.nested.clear();
  }
}
