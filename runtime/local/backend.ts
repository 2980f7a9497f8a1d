// The local backend: today's single-machine runtime, in the main thread of the process that
// called `init`. Its composition root: it makes the parts (object store and reads, reference
// counts, dependency resolver, task table, resource ledger, worker pool, dispatcher, worker
// exits, cancellation, actor table), wires them, and answers `Backend` with them.
import { availableParallelism, hostname } from "node:os";
import type { AsyncResource } from "node:async_hooks";
import type { DriverBackend, ForeignActorCall } from "../core/backend";
import { Encoded, refIdsIn } from "../core/codec";
import { dependencyFailed, makeTaskError, RayActorError, TaskCancelledError } from "../core/errors";
import { newObjectId, randomHex } from "../core/ids";
import type { InitOptions } from "../core/init-options";
import { ObjectRef, trackObjectRefs } from "../core/object-ref";
import type { Shipment } from "../core/shipment";
import type { SubmitOptions } from "../core/task-options";
import { Timeline, TimelineEvent, TraceEvent } from "../core/timeline";
import type { ClusterView, NodeInfo, NodeView } from "../core/views";
import { trackActorHandles } from "../api/actor";
import { ActorTable } from "./actors";
import { Cancellation } from "./cancellation";
import { availableResourcesOf, ClusterShare, clusterResourcesOf, freeResources, newClusterShare, nodeResourcesOf, nodesOf, showClusterView } from "./cluster-info";
import { DependencyResolver } from "./dependencies";
import { Dispatcher } from "./dispatcher";
import { defaultMemoryLimitMb, MemoryMonitor } from "./memory-monitor";
import { ObjectReads } from "./object-reads";
import { ObjectStore } from "./object-store";
import { PoolMessageTarget, poolMessageHandlers } from "./pool-messages";
import type { TaskResult } from "./protocol";
import { RefCounts } from "../core/ref-counts";
import { ResourceLedger } from "./resources";
import { Submitter } from "./submission";
import { capturedRefIds } from "../core/shipment";
import { Outcome, settleRefs } from "./outcome";
import { qualifiedName, Task } from "./task";
import { printPrefixed } from "../core/task-output";
import { TaskTable } from "./task-table";
import { WorkerExits } from "./worker-exits";
import { handleWorkerMessage, WorkerMessageHandlers } from "./worker-messages";
import { WorkerPool } from "./worker-pool";
import { workerView } from "./worker-view";
import { defaultHeapMb, WorkerSlot } from "./worker-slot";

export class LocalBackend implements DriverBackend, PoolMessageTarget {
  /** Who holds each object: what nothing holds any more leaves the store (ref-counts.ts). */
  readonly refs = new RefCounts((id) => this.store.free(id));
  readonly store = new ObjectStore((value) => {
    if (value.hasRefs) this.refs.escape(refIdsIn(value));
  });
  private readonly reads = new ObjectReads(this.store, this.refs);
  private readonly resolver = new DependencyResolver(this.store, this.refs);
  private readonly tasks = new TaskTable(this.store, this.refs, this.resolver);
  private readonly timeline = new Timeline();
  readonly numCpus: number;
  readonly description: string;
  private readonly nodeId = randomHex(28);
  private readonly cluster: ClusterShare;
  private readonly ledger: ResourceLedger;
  private readonly pool: WorkerPool;
  private readonly dispatcher: Dispatcher;
  private readonly exits: WorkerExits;
  private readonly submitter: Submitter;
  private readonly cancellation: Cancellation;
  private readonly actors: ActorTable;
  private readonly memoryMonitor: MemoryMonitor;
  private readonly messages: WorkerMessageHandlers = poolMessageHandlers(this);
  private stopped = false;
  /** Where calls to actors hosted elsewhere go, when something can reach them (a cluster node's agent). */
  private foreignActors?: ForeignActorCall;

  constructor(private readonly options: InitOptions) {
    this.numCpus = options.numCpus ?? availableParallelism();
    if (!(this.numCpus >= 0)) throw new RangeError(`numCpus must be a number >= 0, got ${String(options.numCpus)}`);
    const workers = Math.max(1, Math.ceil(this.numCpus));
    const heapMb = options.workerHeapMb ?? defaultHeapMb(workers);
    if (!(heapMb >= 16)) throw new RangeError(`workerHeapMb must be a number of MB >= 16, got ${String(options.workerHeapMb)}`);
    const memoryLimitMb = options.memoryLimitMb ?? defaultMemoryLimitMb();
    if (!(memoryLimitMb > 0)) throw new RangeError(`memoryLimitMb must be a number of MB > 0, got ${String(options.memoryLimitMb)}`);
    this.description = `a local tsray instance with ${this.numCpus} CPU(s) (${workers} worker threads)`;
    const custom = options.resources ?? {};
    this.cluster = newClusterShare(this.nodeId, hostname(), this.numCpus, custom);
    this.ledger = new ResourceLedger(this.cluster, this.numCpus, custom);
    const workerConfig = { heapMb, cluster: this.cluster };
    this.pool = new WorkerPool(workers, workerConfig, {
      message: (slot, message) => handleWorkerMessage(this.messages, slot, message),
      ready: () => this.dispatcher.schedule(),
      exit: (slot, death) => this.exits.onExit(slot, death),
    });
    this.dispatcher = new Dispatcher(this.tasks, this.pool, this.ledger, this.resolver, {
      dependencyFailed: (task, error) => this.finish(task, { error: dependencyFailed(qualifiedName(task), error) }),
      startActor: (task) => this.startActor(task),
    });
    const finish = (task: Task, outcome: Outcome) => this.finish(task, outcome);
    this.exits = new WorkerExits(this.tasks, this.pool, this.dispatcher, this.ledger, heapMb, { finish, stopped: () => this.stopped });
    this.submitter = new Submitter(this.store, this.refs, this.resolver, this.tasks, this.dispatcher, this.pool, () => this.stopped);
    this.cancellation = new Cancellation(this.tasks, this.dispatcher, this.pool, this.exits, finish);
    this.memoryMonitor = new MemoryMonitor(memoryLimitMb, (usedMb) => this.exits.stopNewestTask(usedMb, memoryLimitMb));
    this.actors = new ActorTable({
      store: this.store,
      timeline: this.timeline,
      refs: this.refs,
      resolver: this.resolver,
      logToDriver: options.logToDriver !== false,
      workerConfig,
      forward: (slot, message) => handleWorkerMessage(this.messages, slot, message),
      release: (held) => {
        this.ledger.give(held);
        this.dispatcher.schedule();
      },
    });
    this.pool.waitUntilLoaded();
    trackObjectRefs((ref) => this.refs.track(ref));
    trackActorHandles({ made: (handle, id) => this.actors.handles.made(handle, id), escaped: (id) => this.actors.escape(id) });
  }

  // ---- Backend ----

  submit(shipment: Shipment, args: Encoded[], options: SubmitOptions): ObjectRef[] {
    return this.submitter.submit(shipment, args, options);
  }

  put(value: Encoded, id = newObjectId()): ObjectRef {
    this.store.create(id);
    this.store.settle(id, { value });
    return new ObjectRef(id);
  }

  get(ids: string[], timeout?: number): Promise<unknown[]> {
    return this.reads.get(ids, timeout);
  }

  getEncoded(ids: string[], timeout?: number): Promise<Encoded[]> {
    return this.reads.getEncoded(ids, timeout);
  }

  wait(ids: string[], numReturns: number, timeout?: number): Promise<boolean[]> {
    return this.reads.wait(ids, numReturns, timeout);
  }

  cancel(id: string, force: boolean): void {
    this.store.requireKnown([id], "ray.cancel()");
    const task = this.tasks.ofRef(id);
    if (task) return this.cancellation.cancel(task, force);
    if (force && this.store.lookup(id).actorCall) {
      throw new RangeError("ray.cancel(): force: true is not supported for actor calls (it would end the whole actor). Use ray.kill(actor) to end the actor, or cancel without force.");
    }
    this.actors.cancel(id);
  }

  createActor(id: string, shipment: Shipment, args: Encoded[], options: SubmitOptions): void {
    // Before the actor is recorded (submit checks again, too late for that).
    this.submitter.requireKnownRefs(args, capturedRefIds(shipment), () => `${options.name ?? shipment.fn.name}.remote()`);
    this.actors.create(id, options);
    this.submitter.submit(shipment, args, options, [], id);
  }

  /** `refs`: minted by the worker making the call; `context`: the calling task's. */
  callActor(id: string, method: string, args: Encoded[], numReturns: number, refs?: string[], context?: AsyncResource): ObjectRef[] {
    this.submitter.requireKnownRefs(args, [], () => `${method}.remote()`);
    if (!this.foreignActors || this.actors.stateOf(id)) return this.actors.call(id, method, args, numReturns, refs);
    const ids = refs ?? Array.from({ length: numReturns }, () => newObjectId());
    for (const ref of ids) this.store.create(ref).actorCall = true;
    const out = ids.map((ref) => new ObjectRef(ref)); // before they may settle
    this.foreignActors({ actorId: id, method, args, refs: ids, context }, (ref, outcome) => settleRefs(this.store, this.refs, [ref], "value" in outcome ? { values: [outcome.value] } : outcome));
    return out;
  }

  forwardForeignActorCalls(forward: ForeignActorCall): void {
    this.foreignActors = forward;
  }

  killActor(id: string): void {
    if (this.actors.stateOf(id) === "pending") {
      // Still waiting for its CPUs: its creation leaves the queue.
      for (const task of this.tasks.all()) if (task.actor === id) this.finish(task, { error: new RayActorError("killed before it started") });
    }
    this.actors.kill(id);
  }

  clusterResources(): Record<string, number> {
    return clusterResourcesOf(this.cluster);
  }

  availableResources(): Record<string, number> {
    return availableResourcesOf(this.cluster);
  }

  nodes(): NodeInfo[] {
    return nodesOf(this.cluster);
  }

  showCluster(view: ClusterView): void {
    showClusterView(this.cluster, view);
  }

  // ---- DriverBackend ----

  onSettled(id: string, settled: () => void): void {
    this.store.onSettled(id, settled);
  }

  trace(): TraceEvent[] {
    return this.timeline.trace(this.nodeId);
  }

  recentTasks(since: number, limit: number): TimelineEvent[] {
    return this.timeline.recent(since, limit);
  }

  view(): NodeView[] {
    const node = { id: this.nodeId, hostname: this.cluster.hostname, address: "127.0.0.1", resources: nodeResourcesOf(this.cluster), available: freeResources(this.cluster) };
    return [{ ...node, workers: this.pool.slots.map((slot) => workerView(slot, this.tasks)), ...this.tasks.counts(), finished: this.tasks.finished, actors: this.actors.summary() }];
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.dispatcher.stop();
    this.memoryMonitor.stop();
    trackObjectRefs(undefined);
    trackActorHandles(undefined);
    await Promise.all([this.pool.terminate(), this.actors.shutdown()]);
    this.tasks.failAll((task) => new TaskCancelledError(`${qualifiedName(task)} (ray.shutdown() was called)`));
  }

  // ---- what the workers' messages ask (pool-messages.ts) ----

  onResult(slot: WorkerSlot, result: TaskResult): void {
    const task = this.tasks.get(result.task);
    if (!task) return;
    const fnId = task.shipment.fn.id;
    this.dispatcher.observe(fnId, result.end - result.start);
    this.timeline.add({ name: task.name, worker: slot.index, start: result.start, end: result.end, ok: result.ok });
    if (result.ok) this.finish(task, { values: result.values! });
    else this.finish(task, { error: makeTaskError(qualifiedName(task), result.error!, `pid=${process.pid}, worker=${slot.index}`) });
    if (task.options.maxCalls > 0) {
      const calls = (slot.calls.get(fnId) ?? 0) + 1;
      slot.calls.set(fnId, calls);
      if (calls >= task.options.maxCalls && slot.assigned.length === 0) this.pool.recycle(slot);
    }
  }

  log(slot: WorkerSlot, taskId: number, text: string): void {
    if (this.options.logToDriver === false) return;
    const task = this.tasks.get(taskId);
    printPrefixed(task?.context, `(${task?.name ?? "worker"} pid=${process.pid}, worker=${slot.index}) `, text);
  }

  submitNested(slot: WorkerSlot, shipment: Shipment, args: Encoded[], options: SubmitOptions, refs: string[]): void {
    try {
      this.submitter.submit(shipment, args, options, refs);
      this.tasks.recordChild(slot.assigned[0], refs[0]);
    } catch (error) {
      this.submitter.refuse(refs, error as Error);
    }
  }

  putNested(id: string, value: Encoded): void {
    this.refs.escape([id]);
    this.put(value, id);
  }

  lend(slot: WorkerSlot, taskId: number, blocked: boolean): void {
    const task = this.tasks.get(taskId);
    if (task?.state === "running") this.dispatcher.lend(slot, task, blocked);
  }

  callActorNested(slot: WorkerSlot, actor: string, method: string, args: Encoded[], numReturns: number, refs: string[]): void {
    this.refs.escape(refs);
    try {
      this.callActor(actor, method, args, numReturns, refs, slot.lastContext);
    } catch (error) {
      this.submitter.refuse(refs, error as Error);
    }
  }

  createActorNested(id: string, shipment: Shipment, args: Encoded[], options: SubmitOptions): void {
    this.createActor(id, shipment, args, options);
    // Its handles are the task's, out of the driver's count.
    this.actors.escape(id);
  }

  // ---- the parts' ends ----

  private finish(task: Task, outcome: Outcome): void {
    if (task.state === "finished") return;
    this.dispatcher.release(task);
    this.tasks.close(task, outcome);
    if (task.cancelled !== "running") this.pool.activity(-1);
    this.dispatcher.schedule();
  }

  /** Its CPUs fit: those it holds are the actor's until it dies (the actor table gives them back). */
  private startActor(task: Task): void {
    this.ledger.take(task.options);
    this.tasks.forget(task);
    this.pool.activity(-1);
    if (!this.actors.start(task.actor!, task.shipment, task.args)) this.ledger.give(task.options);
  }
}
