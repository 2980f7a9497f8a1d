// The cluster backend, in the driver (`ray.init({ address })`): the same `Backend` as the
// local one, with the work done on the cluster's nodes. It reads the node registry every
// heartbeat, places tasks through the scheduler on the nodes' queues (node-channels.ts),
// prints what tasks print in the cells that submitted them (cell-output.ts), stores what
// it puts in Redis, and counts references as the local backend does (core/ref-counts.ts):
// an object nothing can ask for any more is deleted from Redis, and on shutdown all of its
// objects are, and its jobs not started yet leave the nodes' queues.
import type { Redis } from "ioredis";
import type { DriverBackend } from "../../core/backend";
import { Encoded, refIdOf, refIdsIn } from "../../core/codec";
import { RayError } from "../../core/errors";
import { newObjectId, randomHex } from "../../core/ids";
import { ObjectRef, trackObjectRefs } from "../../core/object-ref";
import { RefCounts } from "../../core/ref-counts";
import { capturedRefIds, Shipment } from "../../core/shipment";
import type { SubmitOptions } from "../../core/task-options";
import { submittingContext } from "../../core/task-output";
import { Timeline, TimelineEvent, TraceEvent } from "../../core/timeline";
import { NodeInfo, nodeLabel, NodeView, workerRow } from "../../core/views";
import { ClusterAddress, displayAddress } from "../address";
import { connectClient } from "../connect";
import { keys } from "../keys";
import { ALIVE_FOR_MS, HEARTBEAT_MS, readNodes, readViews, RegisteredNode } from "../registry";
import { storedBytes } from "../values";
import type { TaskReport } from "../wire";
import { ClusterActors } from "./actors";
import { CellOutput } from "./cell-output";
import { ForeignCallsServed } from "./foreign-calls";
import { NodeChannels } from "./node-channels";
import { ObjectDeletes } from "./object-deletes";
import { ReportReader } from "./reports";
import { ClusterObjects } from "./objects";
import { ClusterNode, NodeTable } from "./nodes";
import { ClusterScheduler } from "./scheduler";
import type { ClusterTask } from "./tasks";

export class ClusterBackend implements DriverBackend {
  readonly numCpus: number;
  readonly description: string;
  private readonly driverId = randomHex(16);
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly output: CellOutput;
  /** Calls tasks on the nodes make to this driver's actors. */
  private readonly served: ForeignCallsServed;
  private readonly nodeTable = new NodeTable();
  private readonly channels: NodeChannels;
  private readonly deletes: ObjectDeletes;
  private readonly reports: ReportReader;
  private readonly objects: ClusterObjects;
  private readonly refs = new RefCounts((id) => this.free(id));
  private readonly scheduler: ClusterScheduler;
  private readonly actors: ClusterActors;
  private readonly timeline = new Timeline();
  private nextTask = 0;
  /** The alive nodes as they last described themselves (their heartbeats). */
  private views: NodeView[] = [];
  private finished = 0;
  private readonly refresher: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly address: ClusterAddress, registered: RegisteredNode[]) {
    this.redis = connectClient(address).redis;
    const subscriber = connectClient(address).redis;
    for (const client of [this.redis, subscriber]) client.on("error", () => undefined); // retried; shown when a call fails
    this.subscriber = subscriber;
    this.output = new CellOutput(subscriber, this.driverId);
    void this.redis.multi().sadd(keys.drivers, this.driverId).set(keys.driverAlive(this.driverId), "1", "PX", ALIVE_FOR_MS).exec().catch(() => undefined);
    this.objects = new ClusterObjects(
      (ids) => this.redis.mgetBuffer(...ids.map((id) => keys.object(this.driverId, id))),
      (id) => this.refs.freeIfUnheld(id)
    );
    this.channels = new NodeChannels(this.redis);
    this.deletes = new ObjectDeletes(this.redis);
    const blocking = connectClient(address, { blocking: true }).redis;
    blocking.on("error", () => undefined);
    this.reports = new ReportReader(blocking, this.driverId, {
      done: (jobId, report) => this.served.afterCalls(report.node, report.callsBefore, () => this.actors.jobDone(jobId, report) || this.scheduler.jobDone(jobId, report)),
      failed: (jobId, reason) => this.actors.jobFailed(jobId, reason) || this.scheduler.jobFailed(jobId, reason),
    });
    this.scheduler = new ClusterScheduler(this.driverId, this.nodeTable, this.objects, {
      place: (node, payload) => this.channels.send(node.record.id, payload),
      placed: (task, sent) => this.actors.placed(task, sent),
      cancel: (node, cancel) => void this.redis.publish(keys.cancels(node.record.id), JSON.stringify(cancel)).catch(() => undefined),
      finished: (task, outcome) => this.taskFinished(task, outcome),
    });
    this.actors = new ClusterActors(this.driverId, this.nodeTable, this.objects, {
      send: (node, payload) => this.channels.send(node.record.id, payload),
      callDone: ({ name, node }, report) => this.traced(name, node, report),
    });
    this.applyRegistry(registered);
    const alive = this.nodeTable.alive();
    this.numCpus = this.nodeTable.totals().CPU ?? 0;
    this.description = `a connection to the tsray cluster at ${displayAddress(address)}: ${alive.length} node(s), ${this.numCpus} CPU(s)`;
    this.served = new ForeignCallsServed(this.driverId, subscriber, this.redis, this.objects, this.actors, this.refs);
    trackObjectRefs((ref) => this.refs.track(ref));
    this.refresher = setInterval(() => void this.refresh(), HEARTBEAT_MS);
    this.refresher.unref();
  }

  // ---- the nodes ----

  private async refresh(): Promise<void> {
    try {
      await this.redis.set(keys.driverAlive(this.driverId), "1", "PX", ALIVE_FOR_MS);
      this.applyRegistry(await readNodes(this.redis));
      const alive = this.nodeTable.alive();
      const views = await readViews(this.redis, alive.map((node) => node.record.id));
      this.views = alive.map((node, i) => views[i] ?? this.bareView(node));
    } catch {
      // Redis unreachable for a moment: the next heartbeat tries again.
    }
  }

  private applyRegistry(registered: RegisteredNode[]): void {
    if (this.stopped) return;
    const { joined, died } = this.nodeTable.update(registered);
    for (const record of joined) this.channels.open(record.id);
    for (const record of died) {
      this.scheduler.nodeDied(record);
      this.actors.nodeDied(record);
      void this.channels.close(record.id, true);
    }
    if (joined.length > 0) this.scheduler.pump();
  }

  // ---- tasks and their output ----

  private taskFinished(task: ClusterTask, outcome: { report: TaskReport } | { error: Error }): void {
    for (const id of task.dependencies) this.refs.release(id);
    if (task.body.kind === "create-actor") return this.actors.creationEnded(task, outcome);
    this.finished++;
    if ("report" in outcome && task.node) this.traced(task.options.name ?? task.body.shipment.fn.name, task.node, outcome.report);
  }

  private traced(name: string, node: ClusterNode, report: TaskReport): void {
    this.timeline.add({ name, worker: report.lane, start: report.start, end: report.end, ok: report.ok, thread: workerRow(report.lane, nodeLabel(node.record)) });
  }

  /** Nothing holds it any more: gone from here and from Redis (a pending one is freed once it settles). */
  private free(id: string): void {
    if (this.objects.state(id) === "pending") return;
    this.objects.forget(id);
    this.deletes.delete(keys.object(this.driverId, id));
  }

  // ---- Backend ----

  submit(shipment: Shipment, args: Encoded[], options: SubmitOptions): ObjectRef[] {
    const returnIds = Array.from({ length: options.numReturns }, () => newObjectId());
    // The refs first: they hold their objects (ref-counts.ts), which may settle at once (a failed argument).
    const refs = returnIds.map((id) => new ObjectRef(id));
    this.schedule({ kind: "task", shipment }, `ray::${options.name ?? shipment.fn.name}()`, args, options, returnIds);
    return refs;
  }

  private schedule(body: ClusterTask["body"], name: string, args: Encoded[], options: SubmitOptions, returnIds: string[]): ClusterTask {
    this.requireOpen();
    // Each ref once: those at the top level are dependencies, the rest travel inside values.
    const dependencies = args.flatMap((arg) => refIdOf(arg) ?? []);
    const inArgs = new Set(args.flatMap(refIdsIn));
    const captured = capturedRefIds(body.shipment);
    this.objects.requireKnown([...inArgs, ...captured], `${name.replace(/^ray::|\(\)$/g, "")}.remote()`);
    const task: ClusterTask = {
      number: this.nextTask++,
      name,
      body,
      args,
      options,
      returnIds,
      context: submittingContext(),
      dependencies,
      carried: [...[...inArgs].filter((id) => !dependencies.includes(id)), ...captured],
      retries: 0,
      state: "waiting",
    };
    this.output.remember(task.number, task.context);
    this.refs.escape(task.carried);
    for (const id of task.dependencies) this.refs.hold(id);
    if (body.kind === "create-actor") this.actors.created(body.actorId, task);
    this.scheduler.submit(task);
    return task;
  }

  private requireOpen(): void {
    if (this.stopped) throw new RayError("ray.shutdown() was called: call ray.init() again to submit tasks");
  }

  put(value: Encoded, id = newObjectId()): ObjectRef {
    const bytes = storedBytes({ value }, "the value given to ray.put()");
    const stored = this.redis.set(keys.object(this.driverId, id), bytes).then(() => undefined);
    stored.catch(() => undefined);
    this.objects.putHere(id, value, stored);
    if (value.hasRefs) this.refs.escape(refIdsIn(value));
    return new ObjectRef(id);
  }

  get(ids: string[], timeout?: number): Promise<unknown[]> {
    return this.pinned(ids, () => this.objects.get(ids, timeout));
  }

  getEncoded(ids: string[], timeout?: number): Promise<Encoded[]> {
    return this.pinned(ids, () => this.objects.getEncoded(ids, timeout));
  }

  wait(ids: string[], numReturns: number, timeout?: number): Promise<boolean[]> {
    return this.pinned(ids, () => this.objects.wait(ids, numReturns, timeout));
  }

  /** The objects stay while a get or wait needs them (the caller's refs may be collected meanwhile). */
  private async pinned<T>(ids: string[], answer: () => Promise<T>): Promise<T> {
    for (const id of ids) this.refs.hold(id);
    try {
      return await answer();
    } finally {
      for (const id of ids) this.refs.release(id);
    }
  }

  cancel(id: string, force: boolean): void {
    this.objects.requireKnown([id], "ray.cancel()");
    this.scheduler.cancel(id, force);
  }

  createActor(id: string, shipment: Shipment, args: Encoded[], options: SubmitOptions): void {
    this.schedule({ kind: "create-actor", actorId: id, seq: 0, shipment }, `ray::${options.name ?? shipment.fn.name}.__init__()`, args, options, []);
  }

  callActor(id: string, method: string, args: Encoded[], numReturns: number): ObjectRef[] {
    this.requireOpen();
    this.objects.requireKnown(args.flatMap(refIdsIn), `${method}.remote()`);
    const number = this.nextTask++;
    this.output.remember(number, submittingContext());
    this.refs.escape(args.flatMap(refIdsIn));
    const returnIds = Array.from({ length: numReturns }, () => newObjectId());
    const refs = returnIds.map((returnId) => new ObjectRef(returnId)); // before they may settle (a dead actor)
    this.actors.call(id, method, args, returnIds, number);
    return refs;
  }

  killActor(id: string): void {
    this.actors.kill(id, (creation, error) => this.scheduler.withdraw(creation, error));
  }

  clusterResources(): Record<string, number> {
    return this.nodeTable.totals();
  }

  availableResources(): Record<string, number> {
    return this.nodeTable.available();
  }

  nodes(): NodeInfo[] {
    return this.nodeTable.infos();
  }

  // ---- DriverBackend ----

  onSettled(id: string, settled: () => void): void {
    this.objects.onSettled(id, settled);
  }

  trace(): TraceEvent[] {
    return this.timeline.trace("cluster");
  }

  recentTasks(since: number, limit: number): TimelineEvent[] {
    return this.timeline.recent(since, limit);
  }

  view(): NodeView[] {
    return this.views.length > 0 ? this.views : this.nodeTable.alive().map((node) => this.bareView(node));
  }

  /** A node that has not described itself yet: its record, no workers. */
  private bareView(node: ClusterNode): NodeView {
    const { id, hostname, address, resources } = node.record;
    return { id, hostname, address, resources, available: this.nodeTable.free(node), workers: [], queued: 0, running: 0, finished: 0, actors: [], label: nodeLabel(node.record) };
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.refresher);
    trackObjectRefs(undefined);
    for (const [nodeId, batches] of this.scheduler.placedBatches()) await this.channels.withdraw(nodeId, batches);
    this.scheduler.stop();
    await this.channels.closeAll();
    await this.reports.stop();
    await this.deletes.flush();
    await this.freeObjects().catch(() => undefined);
    await this.redis.multi().del(keys.driverAlive(this.driverId), keys.reports(this.driverId)).srem(keys.drivers, this.driverId).exec().catch(() => undefined);
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  private async freeObjects(): Promise<void> {
    const ids = this.objects.ids();
    for (let i = 0; i < ids.length; i += 1000) await this.redis.del(...ids.slice(i, i + 1000).map((id) => keys.object(this.driverId, id)));
  }
}
