// The cluster backend, in the driver (`ray.init({ address })`): the same `Backend` as the
// local one, with the work done on the cluster's nodes. It reads the node registry every
// heartbeat, places tasks through the scheduler on the nodes' BullMQ queues, hears their
// reports through each queue's events, prints what tasks print in the cells that submitted
// them, and stores what it puts in Redis. On shutdown it frees its objects in Redis.
import type { AsyncResource } from "node:async_hooks";
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import type { DriverBackend } from "../../core/backend";
import { Encoded, refIdOf, refIdsIn } from "../../core/codec";
import { RayError } from "../../core/errors";
import { newObjectId, randomHex } from "../../core/ids";
import { ObjectRef } from "../../core/object-ref";
import { capturedRefIds, Shipment } from "../../core/shipment";
import type { SubmitOptions } from "../../core/task-options";
import { printIn, submittingContext } from "../../core/task-output";
import { Timeline, TimelineEvent, TraceEvent } from "../../core/timeline";
import { NodeInfo, nodeLabel, NodeView, workerRow } from "../../core/views";
import { ClusterAddress, displayAddress } from "../address";
import { connectClient } from "../connect";
import { keys, nodeQueue, QUEUE_PREFIX } from "../keys";
import type { Printed } from "../node/output-relay";
import { ALIVE_FOR_MS, HEARTBEAT_MS, readNodes, readViews, RegisteredNode } from "../registry";
import { storedBytes } from "../values";
import { JobPayload, packPayload, TaskReport } from "../wire";
import { ClusterActors } from "./actors";
import { ClusterObjects } from "./objects";
import { ClusterNode, NodeTable } from "./nodes";
import { ClusterScheduler } from "./scheduler";
import type { ClusterTask } from "./tasks";

/** Contexts kept for output that arrives after its task's report. */
const RECENT_CONTEXTS = 10_000;

interface NodeChannel {
  queue: Queue;
  events: QueueEvents;
}

export class ClusterBackend implements DriverBackend {
  readonly numCpus: number;
  readonly description: string;
  private readonly driverId = randomHex(16);
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly nodeTable = new NodeTable();
  private readonly channels = new Map<string, NodeChannel>();
  private readonly objects: ClusterObjects;
  private readonly scheduler: ClusterScheduler;
  private readonly actors: ClusterActors;
  private readonly timeline = new Timeline();
  private readonly contexts = new Map<number, AsyncResource>();
  private nextTask = 0;
  /** The alive nodes as they last described themselves (their heartbeats). */
  private views: NodeView[] = [];
  private finished = 0;
  private readonly refresher: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly address: ClusterAddress, registered: RegisteredNode[]) {
    this.redis = connectClient(address).redis;
    this.subscriber = connectClient(address).redis;
    for (const client of [this.redis, this.subscriber]) client.on("error", () => undefined); // retried; shown when a call fails
    this.objects = new ClusterObjects((ids) => this.redis.mgetBuffer(...ids.map((id) => keys.object(this.driverId, id))));
    this.scheduler = new ClusterScheduler(this.driverId, this.nodeTable, this.objects, {
      place: (node, jobId, payload) => this.place(node, jobId, payload),
      placed: (task, sent) => this.actors.placed(task, sent),
      finished: (task, outcome) => this.taskFinished(task, outcome),
    });
    this.actors = new ClusterActors(this.driverId, this.nodeTable, this.objects, {
      send: (node, jobId, payload) => this.place(node, jobId, payload),
      callDone: ({ name, node }, report) => this.traced(name, node, report),
    });
    this.applyRegistry(registered);
    const alive = this.nodeTable.alive();
    this.numCpus = this.nodeTable.totals().CPU ?? 0;
    this.description = `a connection to the tsray cluster at ${displayAddress(address)}: ${alive.length} node(s), ${this.numCpus} CPU(s)`;
    void this.subscriber.subscribe(keys.output(this.driverId));
    this.subscriber.on("message", (_channel: string, message: string) => this.printed(JSON.parse(message) as Printed));
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
    for (const record of joined) this.openChannel(record.id);
    for (const record of died) {
      this.scheduler.nodeDied(record);
      this.actors.nodeDied(record);
      void this.closeChannel(record.id, true);
    }
    if (joined.length > 0) this.scheduler.pump();
  }

  private openChannel(nodeId: string): void {
    const connection = { host: this.address.host, port: this.address.port, password: this.address.password, maxRetriesPerRequest: null };
    const queue = new Queue(nodeQueue(nodeId), { connection: this.redis, prefix: QUEUE_PREFIX });
    const events = new QueueEvents(nodeQueue(nodeId), { connection, prefix: QUEUE_PREFIX });
    queue.on("error", () => undefined); // connection trouble: the registry's heartbeat decides about the node
    events.on("error", () => undefined);
    events.on("completed", ({ jobId, returnvalue }) => {
      const report = (typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue) as TaskReport;
      if (!this.actors.jobDone(jobId, report)) this.scheduler.jobDone(jobId, report);
    });
    events.on("failed", ({ jobId, failedReason }) => {
      if (!this.actors.jobFailed(jobId, failedReason)) this.scheduler.jobFailed(jobId, failedReason);
    });
    this.channels.set(nodeId, { queue, events });
  }

  private async closeChannel(nodeId: string, nodeDead: boolean): Promise<void> {
    const channel = this.channels.get(nodeId);
    if (!channel) return;
    this.channels.delete(nodeId);
    // A dead node's queue has no worker left: its jobs go (they were placed again elsewhere).
    if (nodeDead) await channel.queue.obliterate({ force: true }).catch(() => undefined);
    await Promise.all([channel.queue.close(), channel.events.close()]).catch(() => undefined);
  }

  private async place(node: ClusterNode, jobId: string, payload: JobPayload): Promise<void> {
    const channel = this.channels.get(node.record.id);
    if (!channel) throw new Error(`node ${node.record.id.slice(0, 12)} is gone`);
    await channel.queue.add("task", packPayload(payload), { jobId, removeOnComplete: true, removeOnFail: true });
  }

  // ---- tasks and their output ----

  private taskFinished(task: ClusterTask, outcome: { report: TaskReport } | { error: Error }): void {
    if (task.body.kind === "create-actor") return this.actors.creationEnded(task, outcome);
    this.finished++;
    if ("report" in outcome && task.node) this.traced(task.options.name ?? task.body.shipment.fn.name, task.node, outcome.report);
  }

  private traced(name: string, node: ClusterNode, report: TaskReport): void {
    this.timeline.add({ name, worker: report.lane, start: report.start, end: report.end, ok: report.ok, thread: workerRow(report.lane, nodeLabel(node.record)) });
  }

  private printed({ task, text }: Printed): void {
    printIn(this.contexts.get(task), process.stdout, text);
  }

  private remember(number: number, context: AsyncResource): void {
    this.contexts.set(number, context);
    if (this.contexts.size > RECENT_CONTEXTS) this.contexts.delete(this.contexts.keys().next().value!);
  }

  // ---- Backend ----

  submit(shipment: Shipment, args: Encoded[], options: SubmitOptions): ObjectRef[] {
    const returnIds = Array.from({ length: options.numReturns }, () => newObjectId());
    this.schedule({ kind: "task", shipment }, `ray::${options.name ?? shipment.fn.name}()`, args, options, returnIds);
    return returnIds.map((id) => new ObjectRef(id));
  }

  private schedule(body: ClusterTask["body"], name: string, args: Encoded[], options: SubmitOptions, returnIds: string[]): ClusterTask {
    this.requireOpen();
    this.objects.requireKnown([...args.flatMap(refIdsIn), ...capturedRefIds(body.shipment)], `${name.replace(/^ray::|\(\)$/g, "")}.remote()`);
    const task: ClusterTask = {
      number: this.nextTask++,
      name,
      body,
      args,
      options,
      returnIds,
      context: submittingContext(),
      dependencies: args.flatMap((arg) => refIdOf(arg) ?? []),
      carried: [...args.flatMap(refIdsIn).filter((id, i, all) => all.indexOf(id) === i && !args.some((arg) => refIdOf(arg) === id)), ...capturedRefIds(body.shipment)],
      retries: 0,
      state: "waiting",
    };
    this.remember(task.number, task.context);
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
    return new ObjectRef(id);
  }

  get(ids: string[], timeout?: number): Promise<unknown[]> {
    return this.objects.get(ids, timeout);
  }

  getEncoded(ids: string[], timeout?: number): Promise<Encoded[]> {
    return this.objects.getEncoded(ids, timeout);
  }

  wait(ids: string[], numReturns: number, timeout?: number): Promise<boolean[]> {
    return this.objects.wait(ids, numReturns, timeout);
  }

  cancel(id: string, _force: boolean): void {
    this.objects.requireKnown([id], "ray.cancel()");
    this.scheduler.cancel(id);
  }

  createActor(id: string, shipment: Shipment, args: Encoded[], options: SubmitOptions): void {
    this.schedule({ kind: "create-actor", actorId: id, seq: 0, shipment }, `ray::${options.name ?? shipment.fn.name}.__init__()`, args, options, []);
  }

  callActor(id: string, method: string, args: Encoded[], numReturns: number): ObjectRef[] {
    this.requireOpen();
    this.objects.requireKnown(args.flatMap(refIdsIn), `${method}.remote()`);
    const number = this.nextTask++;
    this.remember(number, submittingContext());
    return this.actors.call(id, method, args, numReturns, number).map((ref) => new ObjectRef(ref));
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
    this.scheduler.stop();
    await Promise.all([...this.channels.keys()].map((id) => this.closeChannel(id, false)));
    await this.freeObjects().catch(() => undefined);
    await this.redis.del(keys.driverAlive(this.driverId)).catch(() => undefined);
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  private async freeObjects(): Promise<void> {
    const ids = this.objects.ids();
    for (let i = 0; i < ids.length; i += 1000) await this.redis.del(...ids.slice(i, i + 1000).map((id) => keys.object(this.driverId, id)));
  }
}
