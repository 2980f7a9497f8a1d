// The driver: the object store, the FIFO scheduler with CPU (and custom resource)
// accounting, and the worker pool, in the main thread of the process that calls `init`.
import { AsyncResource, executionAsyncId } from "node:async_hooks";
import { availableParallelism, hostname } from "node:os";
import { ClusterShare, freeResources, newClusterShare, publishFree, setCluster } from "./cluster-info";
import { decode, Encoded, refIdOf, refIdsIn } from "./codec";
import { dependencyFailed, errorToSend, GetTimeoutError, makeTaskError, OutOfMemoryError, RayActorError, RayError, TaskCancelledError, WorkerCrashedError } from "./errors";
import { ActorSummary, ActorTable } from "./actors";
import { trackActorHandles } from "./actor";
import type { Backend } from "./backend";
import { setBackend } from "./backend";
import { newObjectId, randomHex } from "./ids";
import { ObjectRef, trackObjectRefs } from "./object-ref";
import { ObjectStore } from "./object-store";
import { RefCounts } from "./ref-counts";
import type { FromWorker, SubmitOptions, TaskMessage, TaskResult } from "./protocol";
import { forEachShipment, shippedFunction, type Shipment } from "./shipping/ship";
import { defaultHeapMb, WorkerConfig, WorkerSlot } from "./worker-pool";
import { deathNotice, outOfMemory, TaskFate, whereThrown, WorkerDeath } from "./worker-death";
import { defaultMemoryLimitMb, MemoryMonitor } from "./memory-monitor";
import { claim, PREFETCH_WINDOW, TaskDurations } from "./prefetch";
import { handleWorkerMessage, WorkerMessageHandlers } from "./worker-messages";
import { TaskQueue } from "./task-queue";
import { TimelineEvent, Timeline } from "./timeline";

export interface InitOptions {
  numCpus?: number;
  ignoreReinitError?: boolean;
  logToDriver?: boolean;
  resources?: Record<string, number>;
  dashboard?: boolean;
  dashboardHost?: string;
  dashboardPort?: number;
  /** Each worker's (and actor's) V8 heap limit in MB (default: half the memory shared among the workers, at least 256). */
  workerHeapMb?: number;
  /** The process's resident memory in MB past which the worker running the newest task is stopped (default 90% of the machine's). */
  memoryLimitMb?: number;
}

interface Task {
  id: number;
  name: string;
  shipment: Shipment;
  args: Encoded[];
  /** Top-level ref arguments not yet resolved. */
  deps: string[];
  refs: string[];
  options: SubmitOptions;
  retries: number;
  state: "queued" | "running" | "finished";
  /** "running": cancelled without force while it ran; it runs on, its refs already failed. */
  cancelled?: "queued" | "running" | "force";
  slot?: WorkerSlot;
  /** Its claim cell in the slot's (see prefetch.ts). */
  cell?: number;
  /** Sent ahead to a busy worker: it holds no resources until the task before it ends. */
  prefetched?: boolean;
  /** When it was sent to its worker, or became the head of its worker's list (epoch ms; the dashboard's "since"). */
  startedAt?: number;
  /** The argument whose settling reschedules it. */
  waitingOn?: string;
  /** Where its output goes: the async context (the cell) that submitted it. */
  context: AsyncResource;
  /** Tasks it submitted from its worker (ray.cancel cancels them with it). */
  children?: number[];
  /** The creation of this actor: it takes its CPUs here, then runs on its own thread. */
  actor?: string;
}

const EPSILON = 1e-9;
/** The pool grows to at most max(8, twice its base) workers for 0-CPU tasks (as Ray starts more workers for them). */
const MIN_WORKER_CAP = 8;

/** The refs in values a shipped function (or a remote function it uses) captured. */
function capturedRefIds(shipment: Shipment): string[] {
  const ids: string[] = [];
  forEachShipment(shipment, ({ data }) => {
    for (const item of data) if (item.kind === "value" && item.encoded.hasRefs) ids.push(...refIdsIn(item.encoded));
  });
  return ids;
}

export class Driver implements Backend {
  /** Who holds each object: what nothing holds any more leaves the store (ref-counts.ts). */
  readonly refs = new RefCounts((id) => this.store.free(id));
  readonly store = new ObjectStore((value) => {
    if (value.hasRefs) this.refs.escape(refIdsIn(value));
  });
  readonly nodeId = randomHex(28);
  readonly timeline = new Timeline();
  readonly totalCpus: number;
  readonly customResources: Record<string, number>;
  readonly workerHeapMb: number;
  readonly cluster: ClusterShare;
  private readonly workerConfig: WorkerConfig;
  private readonly memoryMonitor: MemoryMonitor;
  /** The workers kept in the pool: one per CPU, at least one (extra ones start for 0-CPU tasks and lent CPUs). */
  readonly baseWorkers: number;
  private readonly maxWorkers: number;
  private freeCpus: number;
  private readonly freeResources: Record<string, number>;
  private readonly queue = new TaskQueue<Task>((task) => task.state === "queued");
  /** The tasks submitted from inside tasks, also in `queue`: a CPU lent by a task blocked in `get` goes to them first. */
  private readonly nested = new TaskQueue<Task>((task) => task.state === "queued");
  private readonly durations = new TaskDurations();
  /** The async context of the latest submission and its resource (shared: one per cell run, not per task). */
  private submitContext = { asyncId: -1, resource: undefined as AsyncResource | undefined };
  private readonly tasks = new Map<number, Task>();
  private readonly taskByRef = new Map<string, Task>();
  private readonly slots: WorkerSlot[] = [];
  private readonly actors: ActorTable;
  private nextTask = 0;
  private nextWorker = 1;
  private scheduled = false;
  private active = 0;
  private stopped = false;
  private finishedCount = 0;

  constructor(readonly options: InitOptions) {
    this.totalCpus = options.numCpus ?? availableParallelism();
    if (!(this.totalCpus >= 0)) throw new RangeError(`numCpus must be a number >= 0, got ${String(options.numCpus)}`);
    this.baseWorkers = Math.max(1, Math.ceil(this.totalCpus));
    this.maxWorkers = Math.max(MIN_WORKER_CAP, 2 * this.baseWorkers);
    this.freeCpus = this.totalCpus;
    this.customResources = { ...(options.resources ?? {}) };
    this.freeResources = { ...this.customResources };
    this.workerHeapMb = options.workerHeapMb ?? defaultHeapMb(this.baseWorkers);
    if (!(this.workerHeapMb >= 16)) throw new RangeError(`workerHeapMb must be a number of MB >= 16, got ${String(options.workerHeapMb)}`);
    this.cluster = newClusterShare(this.nodeId, hostname(), this.totalCpus, this.customResources);
    this.workerConfig = { heapMb: this.workerHeapMb, cluster: this.cluster };
    const memoryLimitMb = options.memoryLimitMb ?? defaultMemoryLimitMb();
    if (!(memoryLimitMb > 0)) throw new RangeError(`memoryLimitMb must be a number of MB > 0, got ${String(options.memoryLimitMb)}`);
    this.memoryMonitor = new MemoryMonitor(memoryLimitMb, (usedMb) => this.stopNewestTask(usedMb));
    for (let i = 0; i < this.baseWorkers; i++) this.addWorker();
    this.actors = new ActorTable({
      store: this.store,
      timeline: this.timeline,
      refs: this.refs,
      logToDriver: options.logToDriver !== false,
      workerConfig: this.workerConfig,
      context: () => this.contextResource(),
      forward: (slot, message) => this.onMessage(slot, message),
      release: (held) => {
        this.acquire({ options: held }, -1);
        this.schedule();
      },
    });
    trackObjectRefs((ref) => this.refs.track(ref));
    trackActorHandles({ made: (handle, id) => this.actors.trackHandle(handle, id), escaped: (id) => this.actors.escape(id) });
  }

  private addWorker(): WorkerSlot {
    const slot = new WorkerSlot(this.nextWorker++, {
      message: (s, m) => this.onMessage(s, m),
      ready: () => this.schedule(),
      exit: (s, death) => this.onExit(s, death),
    }, this.workerConfig);
    this.slots.push(slot);
    slot.start();
    if (this.active > 0) slot.ref();
    return slot;
  }

  // ---- submission ----

  submit(shipment: Shipment, args: Encoded[], options: SubmitOptions, refs?: string[], actor?: string): ObjectRef[] {
    if (this.stopped) throw new RayError("ray.shutdown() was called: call ray.init() again to submit tasks");
    const captured = capturedRefIds(shipment);
    this.requireKnownRefs(args, captured, () => `${options.name ?? shipment.fn.name}.remote()`);
    const ids = refs ?? (options.numReturns === 1 ? [newObjectId()] : Array.from({ length: options.numReturns }, () => newObjectId()));
    const deps: string[] = [];
    for (const arg of args) {
      const dep = arg.hasRefs ? refIdOf(arg) : undefined;
      if (dep !== undefined) {
        deps.push(dep);
        this.refs.hold(dep);
      } else if (arg.hasRefs) this.refs.escape(refIdsIn(arg));
    }
    // Refs in values the function captured reach every worker that runs it.
    if (captured.length > 0) this.refs.escape(captured);
    // Minted by a worker, which may keep them (ref-counts.ts).
    if (refs) this.refs.escape(refs);
    const task: Task = {
      id: this.nextTask++,
      name: options.name ?? shipment.fn.name,
      shipment,
      args,
      deps,
      refs: ids,
      options,
      retries: 0,
      state: "queued",
      context: this.contextResource(),
      actor,
    };
    for (const id of ids) {
      this.store.create(id);
      this.taskByRef.set(id, task);
    }
    this.tasks.set(task.id, task);
    this.queue.push(task);
    if (refs && actor === undefined) this.nested.push(task);
    this.activity(+1);
    this.schedule();
    return ids.map((id) => new ObjectRef(id));
  }

  /**
   * Refuses, before anything is queued, a ref of an earlier session among the arguments
   * (top-level or nested) or the values the function captured: the scheduler never meets one.
   */
  private requireKnownRefs(args: Encoded[], captured: string[], where: () => string): void {
    // `where` is only made when there is a ref to check: most submissions have none.
    for (const arg of args) if (arg.hasRefs) this.store.requireKnown(refIdsIn(arg), where());
    if (captured.length > 0) this.store.requireKnown(captured, where());
  }

  /** A worker's submission refused: the refs it minted (and may hold) fail with the reason. */
  private refuse(ids: string[], error: Error): void {
    this.refs.escape(ids);
    for (const id of ids) {
      this.store.create(id);
      this.store.settle(id, { error });
    }
  }

  private contextResource(): AsyncResource {
    const asyncId = executionAsyncId();
    if (this.submitContext.asyncId !== asyncId || !this.submitContext.resource) {
      this.submitContext = { asyncId, resource: new AsyncResource("tsray.task") };
    }
    return this.submitContext.resource!;
  }

  put(value: Encoded, id = newObjectId()): ObjectRef {
    this.store.create(id);
    this.store.settle(id, { value });
    return new ObjectRef(id);
  }

  /** Workers (and so the process) are kept alive only while tasks are pending. */
  private activity(delta: number): void {
    const before = this.active;
    this.active += delta;
    if (before === 0 && this.active > 0) for (const slot of this.slots) slot.ref();
    if (before > 0 && this.active === 0) for (const slot of this.slots) slot.unref();
  }

  // ---- scheduling ----

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  /** What must be free for it to start: its CPUs, or more for a default actor (protocol.ts). */
  private cpusToPlace(task: Task): number {
    return Math.max(task.options.numCpus, task.options.placementCpus ?? 0);
  }

  /** `reserved`: CPUs promised to tasks waiting for a starting worker. */
  private fits(task: Task, reserved = 0): boolean {
    if (this.cpusToPlace(task) > this.freeCpus - reserved + EPSILON) return false;
    for (const [name, amount] of Object.entries(task.options.resources)) if (!((this.freeResources[name] ?? 0) + EPSILON >= amount)) return false;
    return true;
  }

  private acquire(task: Pick<Task, "options">, sign: 1 | -1): void {
    this.freeCpus -= sign * task.options.numCpus;
    for (const [name, amount] of Object.entries(task.options.resources)) this.freeResources[name] = (this.freeResources[name] ?? 0) - sign * amount;
    publishFree(this.cluster, this.freeCpus, this.freeResources);
  }

  private idleSlot(): WorkerSlot | undefined {
    return this.slots.find((slot) => slot.ready && slot.assigned.length === 0);
  }

  /** Arguments settled? Fails the task if one of them failed. */
  private argumentsReady(task: Task): boolean {
    while (task.deps.length > 0) {
      const entry = this.store.lookup(task.deps[0]);
      if (entry.state === "pending") {
        if (task.waitingOn !== task.deps[0]) {
          task.waitingOn = task.deps[0];
          this.store.onSettled(task.deps[0], () => this.schedule());
        }
        return false;
      }
      if (entry.state === "failed") {
        this.finish(task, { error: dependencyFailed(`ray::${task.name}()`, entry.error!) });
        return false;
      }
      task.args = task.args.map((arg) => (refIdOf(arg) === task.deps[0] ? entry.value! : arg));
      // The task holds the value itself from now on, not the object.
      this.refs.release(task.deps.shift()!);
    }
    return true;
  }

  private dispatch(): void {
    const batches = new Map<WorkerSlot, TaskMessage[]>();
    this.startOnIdleSlots(batches);
    // A worker idles while others hold unstarted prefetched tasks: take those back, so
    // that they start in order on whichever worker is free.
    if (this.idleSlot() && this.slots.some((slot) => slot.assigned.length > 1)) {
      const back = this.slots.flatMap((slot) => this.takeBack(slot));
      if (back.length > 0) {
        this.requeue(back);
        this.startOnIdleSlots(batches);
      }
    }
    if (!this.idleSlot()) this.prefetch(batches);
    for (const [slot, tasks] of batches) slot.send(tasks);
  }

  /**
   * Starts queued tasks, in order, as far as their arguments, CPUs and idle workers allow.
   * While a task is blocked in `get`, the tasks submitted from inside tasks come first: the
   * blocked ones are likely waiting for them (Ray's fair queueing has the same effect).
   */
  private startOnIdleSlots(batches: Map<WorkerSlot, TaskMessage[]>): void {
    // Each worker still starting will take one of the tasks left waiting for a worker; the
    // CPUs of those are reserved, so that the workers started for lent CPUs do not overshoot.
    const waiting = { starting: this.slots.filter((slot) => !slot.ready && !slot.terminating).length, cpus: 0 };
    const visit = (task: Task) => this.startOrWait(task, batches, waiting);
    if (this.slots.some((slot) => slot.lending)) this.nested.scan(visit);
    // Otherwise only the tasks that left its head are dropped, so that it keeps none for long.
    else this.nested.first();
    this.queue.scan(visit);
  }

  /** False: nothing further can start in this scan. */
  private startOrWait(task: Task, batches: Map<WorkerSlot, TaskMessage[]>, waiting: { starting: number; cpus: number }): boolean {
    // Nothing further can start: stop scanning (the queue may hold 200,000 tasks).
    if (this.freeCpus - waiting.cpus <= EPSILON && this.cpusToPlace(task) > 0) return false;
    if (!this.argumentsReady(task) || !this.fits(task, waiting.cpus)) return true;
    if (task.actor !== undefined) {
      this.startActor(task);
      return true;
    }
    const slot = this.idleSlot();
    if (slot) {
      this.start(task, slot, batches, false);
      return true;
    }
    if (waiting.starting > 0) waiting.starting--;
    else if (this.mayAddWorker(task)) this.addWorker();
    else return false;
    waiting.cpus += task.options.numCpus;
    return true;
  }

  /** Sends short tasks from the head of the queue to busy workers' windows (prefetch.ts). */
  private prefetch(batches: Map<WorkerSlot, TaskMessage[]>): void {
    this.queue.scan((task) => {
      if (!this.prefetchable(task) || !this.argumentsReady(task)) return false;
      let target: WorkerSlot | undefined;
      for (const slot of this.slots) {
        if (!slot.ready || slot.lending || slot.assigned.length === 0 || slot.assigned.length > PREFETCH_WINDOW) continue;
        const holder = this.tasks.get(slot.assigned[0]);
        if (!holder || !this.prefetchable(holder)) continue;
        if (!target || slot.assigned.length < target.assigned.length) target = slot;
      }
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
  private takeBack(slot: WorkerSlot): Task[] {
    const back: Task[] = [];
    for (let i = slot.assigned.length - 1; i >= 0; i--) {
      const task = this.tasks.get(slot.assigned[i]);
      if (!task?.prefetched || !claim(slot.claims.cells, task.cell!, task.id)) continue;
      slot.assigned.splice(i, 1);
      Object.assign(task, { state: "queued", slot: undefined, cell: undefined, prefetched: false });
      back.push(task);
    }
    return back;
  }

  /** Back at the front of the queue, in submission order. */
  private requeue(tasks: Task[]): void {
    this.queue.unshift(tasks.sort((a, b) => a.id - b.id));
  }

  /**
   * Every worker is taken: another one starts for a task that needs no CPU (up to the cap,
   * as Ray starts more workers for them), or runs on a CPU lent by a task blocked in `get`
   * (the task fits: the CPUs free beyond those reserved in this scan are lent ones).
   */
  private mayAddWorker(task: Task): boolean {
    if (task.options.numCpus === 0) return this.slots.length < this.maxWorkers;
    return this.slots.some((slot) => slot.lending);
  }

  /** Sends the task to the slot; a prefetched one acquires nothing (the CPU passes to it). */
  private start(task: Task, slot: WorkerSlot, batches: Map<WorkerSlot, TaskMessage[]>, prefetched: boolean): boolean {
    const cell = slot.claims.offer(task.id);
    if (cell === undefined) return false;
    task.state = "running";
    task.slot = slot;
    task.cell = cell;
    task.prefetched = prefetched;
    task.startedAt = Date.now();
    slot.lastContext = task.context;
    if (!prefetched) this.acquire(task, 1);
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

  // ---- completion ----

  private finish(task: Task, outcome: { values: Encoded[] } | { error: Error }): void {
    if (task.state === "finished") return;
    if (task.state === "running") {
      const slot = task.slot!;
      const at = slot.assigned.indexOf(task.id);
      if (at === 0) slot.assigned.shift();
      else if (at > 0) slot.assigned.splice(at, 1);
      if (!task.prefetched) {
        // Its CPU passes to the prefetched task the worker runs next, if any.
        const next = slot.assigned.length > 0 ? this.tasks.get(slot.assigned[0]) : undefined;
        if (next?.prefetched) {
          next.prefetched = false;
          if (slot.lending) this.acquire(next, 1);
        } else if (!slot.lending) this.acquire(task, -1);
      }
      slot.lending = false;
      const head = slot.assigned.length > 0 ? this.tasks.get(slot.assigned[0]) : undefined;
      if (head) head.startedAt = Date.now();
    }
    task.state = "finished";
    this.finishedCount++;
    this.tasks.delete(task.id);
    for (const id of task.refs) this.taskByRef.delete(id);
    this.settleRefs(task, outcome);
    if ("error" in outcome && task.refs.length === 0) this.reportUnheld(task, outcome.error);
    // Arguments it never received (it failed or was cancelled first).
    for (const dep of task.deps) this.refs.release(dep);
    task.deps = [];
    task.shipment = undefined as never;
    task.args = [];
    if (task.cancelled !== "running") this.activity(-1);
    this.schedule();
  }

  /** Settles the task's refs (one settled already stays as it is) and frees those nothing holds. */
  private settleRefs(task: Task, outcome: { values: Encoded[] } | { error: Error }): void {
    task.refs.forEach((id, i) => {
      this.store.settle(id, "values" in outcome ? { value: outcome.values[i] } : { error: outcome.error });
      this.refs.freeIfUnheld(id);
    });
  }

  /** A task with numReturns: 0 has no ref to get its error from: as Ray, print it rather than lose it. */
  private reportUnheld(task: Task, error: Error): void {
    const text = `Unhandled error of ray::${task.name}() (numReturns: 0, no ref to get it from): ${error.stack ?? error.message}\n`;
    task.context.runInAsyncScope(() => process.stderr.write(text));
  }

  private onResult(slot: WorkerSlot, result: TaskResult): void {
    const task = this.tasks.get(result.task);
    if (!task) return;
    const fnId = task.shipment.fn.id;
    this.durations.observe(fnId, result.end - result.start);
    this.timeline.add({ name: task.name, worker: slot.index, start: result.start, end: result.end, ok: result.ok });
    const where = `pid=${process.pid}, worker=${slot.index}`;
    if (result.ok) this.finish(task, { values: result.values! });
    else this.finish(task, { error: makeTaskError(`ray::${task.name}()`, result.error!, where) });
    if (task.options.maxCalls > 0) {
      const calls = (slot.calls.get(fnId) ?? 0) + 1;
      slot.calls.set(fnId, calls);
      if (calls >= task.options.maxCalls && slot.assigned.length === 0) this.recycle(slot);
    }
  }

  private recycle(slot: WorkerSlot): void {
    this.removeSlot(slot);
    void slot.terminate();
    this.addWorker();
  }

  private removeSlot(slot: WorkerSlot): void {
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
  }

  /** `expected`: ended on purpose (a forced cancel), so not reported as a death. */
  private onExit(slot: WorkerSlot, death: WorkerDeath, expected = false): void {
    if (!this.slots.includes(slot)) return;
    this.removeSlot(slot);
    // Prefetched tasks it never started go back to the queue, no retry spent.
    this.requeue(this.takeBack(slot));
    const running = slot.assigned.length > 0 ? this.tasks.get(slot.assigned[0]) : undefined;
    const fates: TaskFate[] = [];
    for (const id of [...slot.assigned]) {
      const task = this.tasks.get(id);
      if (task) fates.push(this.afterWorkerDeath(task, slot, death));
    }
    slot.assigned.length = 0;
    let replaced = false;
    if (!this.stopped && !slot.terminating) {
      // A dead worker is replaced, unless it was an extra one lent for a blocked task.
      const base = this.slots.filter((s) => !s.terminating).length;
      if ((replaced = base < this.baseWorkers)) this.addWorker();
    }
    if (!expected && !slot.terminating && !this.stopped) this.announceDeath(slot, death, fates, running, replaced);
    this.schedule();
  }

  /** A task its worker died under: cancelled, failed (out of memory, or no retry left), or queued again. */
  private afterWorkerDeath(task: Task, slot: WorkerSlot, death: WorkerDeath): TaskFate {
    const name = `ray::${task.name}()`;
    if (task.cancelled) {
      this.finish(task, { error: new TaskCancelledError(name) });
      return { task: name, outcome: "failed", error: "TaskCancelledError" };
    }
    const memory = outOfMemory(death, this.workerHeapMb);
    const retry = !memory && (task.options.maxRetries === -1 || task.retries < task.options.maxRetries);
    if (retry) {
      task.retries++;
      if (!slot.lending && !task.prefetched) this.acquire(task, -1);
      Object.assign(task, { state: "queued", slot: undefined, cell: undefined, prefetched: false });
      this.queue.unshift([task]);
      return { task: name, outcome: "retried", attempt: task.retries, maxRetries: task.options.maxRetries };
    }
    task.slot = slot;
    if (task.prefetched) this.acquire(task, 1); // finish releases what a task holds
    const error = memory
      ? new OutOfMemoryError(`${name} (pid=${process.pid}, worker=${slot.index}) ran out of memory: ${memory}; its worker was stopped, and the task is not retried. Use less memory in the task, or raise the limit.`)
      : new WorkerCrashedError(`worker ${slot.index} (${death.reason}), running ${name}`);
    this.finish(task, { error });
    return { task: name, outcome: "failed", error: error.name };
  }

  /** On stderr, in the cell that submitted the task running on it (or the latest one it ran), as Ray prints worker deaths. */
  private announceDeath(slot: WorkerSlot, death: WorkerDeath, fates: TaskFate[], running: Task | undefined, replaced: boolean): void {
    const where = death.error?.stack ? whereThrown(death.error.stack, shippedFunction) : undefined;
    const line = deathNotice(slot.index, death, fates, where, replaced);
    const context = running?.context ?? slot.lastContext;
    const print = () => process.stderr.write(line);
    if (context) context.runInAsyncScope(print);
    else print();
  }

  /** The memory monitor's choice, as Ray's: the task started last loses the least work. */
  private stopNewestTask(usedMb: number): Promise<void> | undefined {
    let newest: Task | undefined;
    for (const slot of this.slots) {
      const head = slot.assigned.length > 0 ? this.tasks.get(slot.assigned[0]) : undefined;
      if (head?.state === "running" && !head.prefetched && (!newest || head.startedAt! > newest.startedAt!)) newest = head;
    }
    if (!newest) return undefined;
    const slot = newest.slot!;
    const limit = this.memoryMonitor.limitMb;
    this.onExit(slot, {
      reason: `stopped by the memory monitor: the process used ${usedMb} MB, above its limit of ${limit} MB`,
      outOfMemory: `the process used ${usedMb} MB, above the memory monitor's limit of ${limit} MB (ray.init({ memoryLimitMb })), while it was the newest task running`,
    });
    return slot.terminate();
  }

  private onMessage(slot: WorkerSlot, message: FromWorker): void {
    handleWorkerMessage(this.workerMessages, slot, message);
  }

  /** What each message of a pool worker (or a nested call from an actor) does. */
  private readonly workerMessages: WorkerMessageHandlers = {
    done: (slot, message) => {
      for (const result of message.results) this.onResult(slot, result);
    },
    log: (slot, message) => this.log(slot, message.task, message.text),
    submit: (slot, message) => {
      const fn = shippedFunction(message.fn)!;
      try {
        this.submit({ fn, data: message.data }, message.args, message.options, message.refs);
        this.recordChild(slot, message.refs);
      } catch (error) {
        this.refuse(message.refs, error as Error);
      }
    },
    put: (_slot, message) => {
      this.refs.escape([message.id]);
      this.put(message.value, message.id);
    },
    get: (slot, message) => {
      // Held until the reply is built: `get`'s own pins end as it settles.
      for (const id of message.ids) this.refs.hold(id);
      const unpin = () => message.ids.forEach((id) => this.refs.release(id));
      const values = this.get(message.ids, message.timeout).then(() => message.ids.map((id) => this.store.lookup(id).value));
      void this.reply(slot, message.req, values).finally(unpin);
    },
    wait: (slot, message) => void this.reply(slot, message.req, this.wait(message.ids, message.numReturns, message.timeout)),
    cancel: (slot, message) => {
      // Fire and forget from a task: a refused cancel has no caller to throw to, so it is
      // printed where the task's output goes.
      try {
        this.cancel(message.id, message.force);
      } catch (error) {
        this.log(slot, slot.assigned[0] ?? -1, `${(error as Error).name}: ${(error as Error).message}`);
      }
    },
    blocked: (slot, message) => this.lend(slot, message.task, message.blocked),
    "actor.call": (_slot, message) => {
      this.refs.escape(message.refs);
      try {
        this.callActor(message.actor, message.method, message.args, message.numReturns, message.refs);
      } catch (error) {
        this.refuse(message.refs, error as Error);
      }
    },
    "actor.kill": (_slot, message) => this.killActor(message.actor),
    "actor.new": (_slot, message) => {
      this.createActor(message.actor, { fn: message.fn, data: message.data }, message.args, message.options);
      // Its handles are the task's, out of the driver's count.
      this.actors.escape(message.actor);
    },
  };

  /** Answers a task's request with the value, or with the error it failed with. */
  private reply(slot: WorkerSlot, req: number, answer: Promise<unknown>): Promise<void> {
    return answer.then(
      (value) => slot.post({ t: "reply", req, ok: true, value }),
      (error: Error) => slot.post({ t: "reply", req, ok: false, error: errorToSend(error) })
    );
  }

  /** The task running on the slot submitted the task of `refs`: cancelling it cancels that one too. */
  private recordChild(slot: WorkerSlot, refs: string[]): void {
    const parent = slot.assigned.length > 0 ? this.tasks.get(slot.assigned[0]) : undefined;
    const child = refs.length > 0 ? this.taskByRef.get(refs[0]) : undefined;
    if (parent && child) (parent.children ??= []).push(child.id);
  }

  private lend(slot: WorkerSlot, taskId: number, blocked: boolean): void {
    const task = this.tasks.get(taskId);
    if (!task || task.state !== "running" || slot.lending === blocked) return;
    slot.lending = blocked;
    this.acquire(task, blocked ? -1 : 1);
    if (blocked) {
      // What was prefetched behind a task now waiting for others would wait with it.
      this.requeue(this.takeBack(slot));
      this.schedule();
    }
  }

  private log(slot: WorkerSlot, taskId: number, text: string): void {
    if (this.options.logToDriver === false) return;
    const task = this.tasks.get(taskId);
    const name = task?.name ?? "worker";
    const prefix = `(${name} pid=${process.pid}, worker=${slot.index}) `;
    const lines = text.replace(/\n$/, "").split("\n").map((line) => prefix + line).join("\n") + "\n";
    const print = () => process.stdout.write(lines);
    if (task) task.context.runInAsyncScope(print);
    else print();
  }

  // ---- actors (actors.ts) ----

  createActor(id: string, shipment: Shipment, args: Encoded[], options: SubmitOptions): void {
    // Before the actor is recorded (submit checks again, too late for that).
    this.requireKnownRefs(args, capturedRefIds(shipment), () => `${options.name ?? shipment.fn.name}.remote()`);
    this.actors.create(id, options);
    this.submit(shipment, args, options, [], id);
  }

  /** `refs`: minted by the worker making the call. */
  callActor(id: string, method: string, args: Encoded[], numReturns: number, refs?: string[]): ObjectRef[] {
    this.requireKnownRefs(args, [], () => `${method}.remote()`);
    return this.actors.call(id, method, args, numReturns, refs);
  }

  killActor(id: string): void {
    if (this.actors.isPending(id)) {
      // Still waiting for its CPUs: its creation leaves the queue.
      for (const task of this.tasks.values()) if (task.actor === id) this.finish(task, { error: new RayActorError("killed before it started") });
    }
    this.actors.kill(id);
  }

  /** Its CPUs fit: those it holds are the actor's until it dies (the actor table gives them back). */
  private startActor(task: Task): void {
    this.acquire(task, 1);
    this.tasks.delete(task.id);
    task.state = "finished";
    this.activity(-1);
    if (!this.actors.start(task.actor!, task.shipment, task.args)) this.acquire(task, -1);
  }

  // ---- get / wait / cancel ----

  get(ids: string[], timeout?: number): Promise<unknown[]> {
    try {
      this.store.requireKnown(ids, "ray.get()");
    } catch (error) {
      return Promise.reject(error);
    }
    // Pinned until answered: the caller's refs may be collected while it waits.
    for (const id of ids) this.refs.hold(id);
    return new Promise<unknown[]>((resolve, reject) => {
      let left = 0;
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const settle = (error?: Error) => {
        if (done) return;
        if (error) {
          done = true;
          clearTimeout(timer);
          return reject(error);
        }
        if (left > 0) return;
        done = true;
        clearTimeout(timer);
        resolve(ids.map((id) => decode(this.store.lookup(id).value!)));
      };
      for (const id of ids) {
        const entry = this.store.lookup(id);
        // A failed task fails the get at once, without waiting for the rest.
        if (entry.state === "failed") return settle(entry.error);
        if (entry.state === "pending") {
          left++;
          this.store.onSettled(id, () => {
            left--;
            const settled = this.store.lookup(id);
            settle(settled.state === "failed" ? settled.error : undefined);
          });
        }
      }
      if (timeout !== undefined && left > 0) {
        timer = setTimeout(() => {
          if (done) return;
          done = true;
          reject(new GetTimeoutError());
        }, timeout * 1000);
      }
      settle();
    }).finally(() => ids.forEach((id) => this.refs.release(id)));
  }

  /** Counts settlings rather than looking at every id at each one: linear in the number of ids. */
  wait(ids: string[], numReturns: number, timeout?: number): Promise<boolean[]> {
    try {
      this.store.requireKnown(ids, "ray.wait()");
    } catch (error) {
      return Promise.reject(error);
    }
    for (const id of ids) this.refs.hold(id);
    return new Promise<boolean[]>((resolve) => {
      let settled = 0;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        done = true;
        clearTimeout(timer);
        let left = numReturns;
        resolve(ids.map((id) => left > 0 && this.store.lookup(id).state !== "pending" && left-- > 0));
      };
      const pending: string[] = [];
      for (const id of ids) {
        if (this.store.lookup(id).state === "pending") pending.push(id);
        else settled++;
      }
      if (settled >= numReturns || timeout === 0) return finish();
      for (const id of pending) this.store.onSettled(id, () => !done && ++settled >= numReturns && finish());
      if (timeout !== undefined) timer = setTimeout(() => !done && finish(), timeout * 1000);
    }).finally(() => ids.forEach((id) => this.refs.release(id)));
  }

  cancel(id: string, force: boolean): void {
    this.store.requireKnown([id], "ray.cancel()");
    const task = this.taskByRef.get(id);
    if (!task) {
      if (force && this.store.lookup(id).actorCall) {
        throw new RangeError("ray.cancel(): force: true is not supported for actor calls (it would end the whole actor). Use ray.kill(actor) to end the actor, or cancel without force.");
      }
      this.actors.cancel(id);
      return;
    }
    this.cancelTask(task, force);
  }

  /** Cancels the task and, as Ray's recursive cancel, the tasks it submitted that are not done. */
  private cancelTask(task: Task, force: boolean): void {
    for (const child of task.children ?? []) {
      const running = this.tasks.get(child);
      if (running) this.cancelTask(running, force);
    }
    if (task.state === "finished") return;
    if (task.state === "running" && task.prefetched && task.slot && claim(task.slot.claims.cells, task.cell!, task.id)) {
      task.slot.assigned.splice(task.slot.assigned.indexOf(task.id), 1);
      Object.assign(task, { state: "queued", slot: undefined, prefetched: false });
    }
    if (task.state === "queued") {
      task.cancelled = "queued";
      this.finish(task, { error: new TaskCancelledError(`ray::${task.name}()`) });
    } else if (force && task.slot) {
      task.cancelled = "force";
      const slot = task.slot;
      this.onExit(slot, { reason: "cancelled with force" }, true);
      void slot.terminate();
    } else if (!task.cancelled) this.cancelRunning(task);
  }

  /**
   * A running task cannot be interrupted in its thread: its refs fail now, as Ray's do at
   * cancel; it runs on to its end, holding its CPU (finish gives it back) and keeping
   * nothing alive for a caller; what it returns is dropped.
   */
  private cancelRunning(task: Task): void {
    task.cancelled = "running";
    task.slot!.interruptSleep(task.id);
    this.settleRefs(task, { error: new TaskCancelledError(`ray::${task.name}()`) });
    this.activity(-1);
    // What was prefetched behind it would wait for it: it goes back to the queue.
    this.requeue(this.takeBack(task.slot!));
    this.schedule();
  }

  // ---- info and shutdown ----

  /** What the dashboard shows (dashboard/state.ts): each worker's running task, the counts, the actors. */
  dashboardView(): DashboardView {
    let queued = 0;
    let running = 0;
    for (const task of this.tasks.values()) {
      if (task.state === "queued") queued++;
      else if (task.state === "running") running++;
    }
    const workers = this.slots.map((slot) => {
      const head = slot.assigned.length > 0 ? this.tasks.get(slot.assigned[0]) : undefined;
      return {
        index: slot.index,
        ready: slot.ready,
        lending: slot.lending,
        task: head ? { id: head.id, name: head.name, since: head.startedAt ?? Date.now() } : undefined,
        prefetched: Math.max(0, slot.assigned.length - 1),
      };
    });
    return { workers, queued, running, finished: this.finishedCount, actors: this.actors.summary(), available: this.availableResources() };
  }

  availableResources(): Record<string, number> {
    return freeResources(this.cluster);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.memoryMonitor.stop();
    trackObjectRefs(undefined);
    trackActorHandles(undefined);
    const slots = [...this.slots];
    this.slots.length = 0;
    await Promise.all([...slots.map((slot) => slot.terminate()), this.actors.shutdown()]);
    for (const task of this.tasks.values()) {
      task.state = "finished";
      for (const id of task.refs) this.store.settle(id, { error: new TaskCancelledError(`ray::${task.name}() (ray.shutdown() was called)`) });
    }
    this.tasks.clear();
    this.queue.clear();
    this.nested.clear();
  }
}

let driver: Driver | undefined;

export function currentDriver(): Driver | undefined {
  return driver;
}

export function startDriver(options: InitOptions): Driver {
  driver = new Driver(options);
  setBackend(driver);
  setCluster(driver.cluster);
  return driver;
}

export function stopDriver(): Driver | undefined {
  const stopping = driver;
  driver = undefined;
  setBackend(undefined);
  setCluster(undefined);
  return stopping;
}

export function autoInit(): Backend {
  if (!driver) (require("./api") as typeof import("./api")).init();
  return driver!;
}

export type { TimelineEvent };

export interface DashboardView {
  workers: { index: number; ready: boolean; lending: boolean; task?: { id: number; name: string; since: number }; prefetched: number }[];
  queued: number;
  running: number;
  finished: number;
  actors: ActorSummary[];
  available: Record<string, number>;
}
