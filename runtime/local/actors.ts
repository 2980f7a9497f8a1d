// The driver's actors. Each lives in its own worker thread (spawned as the pool's are, but
// outside the pool) holding the instance; its calls go over that thread's port in
// submission order, in batches, and run there one at a time. A call waits for its ref
// arguments, and the calls after it wait with it (the order is the contract). The CPUs an
// actor holds (none by default, its numCpus if given: Ray's rule) are taken in the
// driver's ledger when its creation leaves the task queue and given back when it dies:
// killed, terminated, its constructor failed, its thread crashed, or (as Ray) no handle of
// it is left in the driver's thread and none left it, once the calls made before have run.
// A call cancelled before it starts never runs (one sent is taken back through its claim
// cell, as prefetched tasks are); a running one runs on, its refs failed at once and its
// result dropped.
import type { Encoded } from "../core/codec";
import { dependencyFailed, makeTaskError, OutOfMemoryError, RayActorError, TaskCancelledError, ThrownInfo, WorkerCrashedError } from "../core/errors";
import { newObjectId } from "../core/ids";
import { ObjectRef } from "../core/object-ref";
import { claim } from "./prefetch";
import type { ObjectStore } from "./object-store";
import { ActorCallMessage, FromWorker, TaskResult, ToWorker } from "./protocol";
import { SubmitOptions, TERMINATE } from "../core/task-options";
import type { Shipment } from "../core/shipment";
import type { RefCounts } from "../core/ref-counts";
import type { Timeline } from "../core/timeline";
import type { ActorSummary } from "../core/views";
import type { DependencyResolver } from "./dependencies";
import type { Actor, Call } from "./actor";
import { ActorHandleCount } from "./actor-handles";
import { printPrefixed, submittingContext } from "../core/task-output";
import { settleRefs } from "./outcome";
import { WorkerConfig, WorkerSlot } from "./worker-slot";
import { outOfMemory, WorkerDeath } from "./worker-death";
import { handleWorkerMessage, WorkerMessageHandlers } from "./worker-messages";

/** What the actor table needs of the driver. */
export interface ActorHost {
  readonly store: ObjectStore;
  readonly timeline: Timeline;
  /** A queued call holds its ref arguments, as a queued task does (ref-counts.ts). */
  readonly refs: RefCounts;
  /** A call waits for its ref arguments as a task does (dependencies.ts). */
  readonly resolver: DependencyResolver;
  readonly logToDriver: boolean;
  /** What each actor thread is started with (its heap limit, the cluster's resources). */
  readonly workerConfig: WorkerConfig;
  /** Nested `ray.*` calls made inside an actor's methods, handled as a task's are. */
  forward(slot: WorkerSlot, message: FromWorker): void;
  /** Gives the actor's CPUs and resources back to the scheduler. */
  release(options: SubmitOptions): void;
}

/**
 * Calls sent to an actor's thread and not yet started, at most (each has a claim cell, 4
 * bytes): enough that a loop of calls reaches the thread in a few batches.
 */
const CALLS_IN_FLIGHT = 8192;

export class ActorTable {
  private readonly actors = new Map<string, Actor>();
  /** As Ray: an actor no handle is left of ends once the calls made before have run. */
  readonly handles = new ActorHandleCount((id) => this.outOfScope(id));
  private nextCall = 0;
  private nextThread = 1;

  constructor(private readonly host: ActorHost) {}

  /** Records an actor whose creation the driver has just queued. */
  create(id: string, options: SubmitOptions): void {
    const actor: Actor = {
      id,
      name: options.name ?? "Actor",
      options,
      state: "pending",
      queue: [],
      sent: new Map(),
      pumpQueued: false,
      terminating: false,
      escaped: false,
      outOfScope: false,
      context: submittingContext(),
    };
    this.actors.set(id, actor);
  }

  escape(id: string): void {
    const actor = this.actors.get(id);
    if (actor) actor.escaped = true;
  }

  private outOfScope(id: string): void {
    const actor = this.actors.get(id);
    if (!actor || actor.escaped || actor.state === "dead" || actor.outOfScope) return;
    actor.outOfScope = true;
    this.call(id, TERMINATE, [], 1);
  }

  /** The actor's state, if it is (or was) one of this backend's. */
  stateOf(id: string): "pending" | "alive" | "dead" | undefined {
    return this.actors.get(id)?.state;
  }

  /** For the dashboard: the most recent `limit` actors, their state and calls waiting or running. */
  summary(limit = 200): ActorSummary[] {
    const all = [...this.actors.values()].slice(-limit);
    return all.map((a) => ({ id: a.id, name: a.name, state: a.state, queued: a.queue.length, running: a.sent.size, death: a.death?.message }));
  }

  /** Its creation left the task queue with its CPUs taken: start its thread. False if it was killed meanwhile. */
  start(id: string, shipment: Shipment, args: Encoded[]): boolean {
    const actor = this.actors.get(id);
    if (!actor || actor.state !== "pending") return false;
    actor.state = "alive";
    const handlers = this.messageHandlers(actor);
    const slot = new WorkerSlot(this.nextThread++, {
      message: (s, message) => handleWorkerMessage(handlers, s, message, this.host.forward),
      ready: () => {},
      exit: (_s, death) => this.die(actor, "its thread died unexpectedly", this.threadDeathError(actor, death)),
    }, this.host.workerConfig, CALLS_IN_FLIGHT);
    actor.slot = slot;
    slot.start();
    // The port keeps what is posted before the thread connects.
    slot.post({ t: "actor.create", fn: shipment.fn, data: shipment.data, args } satisfies ToWorker);
    this.pump(actor);
    return true;
  }

  call(id: string, method: string, args: Encoded[], numReturns: number, refs?: string[]): ObjectRef[] {
    const ids = refs ?? (numReturns === 1 ? [newObjectId()] : Array.from({ length: numReturns }, () => newObjectId()));
    for (const ref of ids) this.host.store.create(ref).actorCall = true;
    const deps = this.host.resolver.collect(args);
    const call: Call = { id: this.nextCall++, method, args, refs: ids, numReturns, context: submittingContext(), deps };
    // Made before the call can fail: a settled object no ref holds is freed at once.
    const out = ids.map((ref) => new ObjectRef(ref));
    const actor = this.actors.get(id);
    if (!actor) this.fail(call, new RayActorError(`The actor ${id} is unknown to this runtime (was its handle made before a ray.shutdown()?)`));
    else if (actor.state === "dead") this.fail(call, this.deathError(actor));
    else {
      actor.queue.push(call);
      if (actor.slot) this.schedulePump(actor);
    }
    return out;
  }

  /**
   * `ray.cancel` of a call's ref, without force: a call not started is dropped (taken back
   * from its thread if sent), a running one runs on with its refs failed now (what it
   * returns is dropped: a settled ref stays as it is).
   */
  cancel(ref: string): void {
    for (const actor of this.actors.values()) {
      const queued = actor.queue.findIndex((call) => call.refs.includes(ref));
      if (queued >= 0) {
        const [call] = actor.queue.splice(queued, 1);
        this.fail(call, new TaskCancelledError(`ray::${actor.name}.${call.method}()`));
        return;
      }
      for (const call of actor.sent.values()) {
        if (!call.refs.includes(ref)) continue;
        if (claim(actor.slot!.claims.cells, call.cell!, call.id)) actor.sent.delete(call.id);
        this.fail(call, new TaskCancelledError(`ray::${actor.name}.${call.method}()`));
        this.keepAlive(actor);
        return;
      }
    }
  }

  /** `ray.kill`: dead now; its pending and later calls fail. */
  kill(id: string): void {
    const actor = this.actors.get(id);
    if (actor) this.die(actor, "it was killed by ray.kill()");
  }

  async shutdown(): Promise<void> {
    const slots = [...this.actors.values()].map((actor) => actor.slot);
    for (const actor of this.actors.values()) this.die(actor, "ray.shutdown() was called");
    await Promise.all(slots.map((slot) => slot?.terminate()));
    this.actors.clear();
    this.handles.clear();
  }

  private schedulePump(actor: Actor): void {
    if (actor.pumpQueued) return;
    actor.pumpQueued = true;
    // One batch per turn: a loop of 20,000 calls is one message.
    queueMicrotask(() => {
      actor.pumpQueued = false;
      this.pump(actor);
    });
  }

  /** Sends queued calls, in order, up to the first one still waiting for an argument. */
  private pump(actor: Actor): void {
    if (actor.state !== "alive") return;
    const queue = actor.queue;
    const batch: ActorCallMessage[] = [];
    let i = 0;
    for (; i < queue.length && !actor.terminating; i++) {
      const call = queue[i];
      const ready = this.argumentsReady(actor, call);
      if (ready === "waiting") break;
      if (ready === "failed") continue;
      // Every cell holds a call not yet started: the next ones go once calls finish.
      const cell = actor.slot!.claims.offer(call.id);
      if (cell === undefined) break;
      call.cell = cell;
      actor.sent.set(call.id, call);
      if (call.method === TERMINATE) actor.terminating = true;
      batch.push({ call: call.id, cell, method: call.method, args: call.args, numReturns: call.numReturns });
    }
    actor.queue = i === queue.length ? [] : queue.slice(i);
    if (batch.length > 0) actor.slot!.post({ t: "actor.calls", calls: batch } satisfies ToWorker);
    this.keepAlive(actor);
  }

  private argumentsReady(actor: Actor, call: Call): "ready" | "waiting" | "failed" {
    const resolution = this.host.resolver.resolve(call, () => this.schedulePump(actor));
    if (resolution.state === "failed") this.fail(call, dependencyFailed(`ray::${actor.name}.${call.method}()`, resolution.error));
    return resolution.state;
  }

  /** A program is kept running while an actor has calls to finish, not by an idle actor. */
  private keepAlive(actor: Actor): void {
    if (actor.state === "alive" && actor.queue.length + actor.sent.size > 0) actor.slot!.ref();
    else actor.slot?.unref();
  }

  /** An actor thread's own messages; the rest (nested `ray.*` calls in its methods) go to the driver. */
  private messageHandlers(actor: Actor): WorkerMessageHandlers {
    return {
      "actor.done": (_slot, message) => this.onDone(actor, message.results),
      "actor.ready": (_slot, message) => this.onCreated(actor, message),
      log: (_slot, message) => this.log(actor, message.task, message.text),
      blocked: () => {}, // an actor keeps its CPUs while it waits (its ids are not the pool's tasks)
    };
  }

  private onCreated(actor: Actor, message: { ok: boolean; error?: ThrownInfo; start: number; end: number }): void {
    this.addEvent(actor, "constructor", message);
    if (message.ok) return;
    const task = `ray::${actor.name}.constructor()`;
    const cause = makeTaskError(task, message.error!, `pid=${process.pid}, actor=${actor.id}`);
    this.die(actor, `an error was raised in its constructor: ${message.error!.name}: ${message.error!.message}`, cause);
  }

  private onDone(actor: Actor, results: TaskResult[]): void {
    for (const result of results) {
      const call = actor.sent.get(result.task);
      if (!call) continue;
      actor.sent.delete(result.task);
      this.addEvent(actor, call.method, result);
      if (result.ok) {
        settleRefs(this.host.store, this.host.refs, call.refs, { values: result.values! });
      } else this.fail(call, makeTaskError(`ray::${actor.name}.${call.method}()`, result.error!, `pid=${process.pid}, actor=${actor.id}`));
      if (call.method === TERMINATE) this.die(actor, actor.outOfScope ? "all its handles went out of scope" : "it was terminated by __ray_terminate__()");
    }
    if (actor.queue.length > 0) this.schedulePump(actor);
    this.keepAlive(actor);
  }

  private addEvent(actor: Actor, method: string, times: { start: number; end: number; ok: boolean }): void {
    const thread = `actor ${actor.name} ${actor.id.slice(0, 8)}`;
    this.host.timeline.add({ name: `${actor.name}.${method}`, worker: actor.slot?.index ?? 0, start: times.start, end: times.end, ok: times.ok, thread });
  }

  private log(actor: Actor, callId: number, text: string): void {
    if (!this.host.logToDriver) return;
    printPrefixed(actor.sent.get(callId)?.context ?? actor.context, `(${actor.name} pid=${process.pid}) `, text);
  }

  /** Settles its refs with the error; the ref arguments it never received are let go. */
  private fail(call: Call, error: Error): void {
    settleRefs(this.host.store, this.host.refs, call.refs, { error });
    this.host.resolver.release(call);
  }

  private threadDeathError(actor: Actor, death: WorkerDeath): Error {
    const why = outOfMemory(death, this.host.workerConfig.heapMb);
    if (!why) return new WorkerCrashedError(`the thread of actor ${actor.name} (${death.reason})`);
    return new OutOfMemoryError(`The thread of actor ${actor.name} ran out of memory: ${why}`);
  }

  private deathError(actor: Actor): RayActorError {
    return new RayActorError(`The actor ${actor.name} (${actor.id}) is dead: ${actor.death!.message}`, { cause: actor.death!.cause });
  }

  /** Ends the actor: its calls not done fail, its thread ends, its CPUs go back. */
  private die(actor: Actor, message: string, cause?: Error): void {
    if (actor.state === "dead") return;
    const held = actor.state === "alive";
    actor.state = "dead";
    actor.death = { message, cause };
    const error = this.deathError(actor);
    for (const call of actor.sent.values()) this.fail(call, error);
    for (const call of actor.queue) this.fail(call, error);
    actor.sent.clear();
    actor.queue = [];
    if (actor.slot) void actor.slot.terminate();
    if (held) this.host.release(actor.options);
  }
}
