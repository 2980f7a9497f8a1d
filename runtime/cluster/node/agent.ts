// A node of a cluster: registers itself, keeps its heartbeat, and runs the tasks drivers
// place on it (its stream of jobs, job-inbox.ts, a batch of them per entry) on a local backend with
// its CPUs, started as `ray.init` would start one. Each job's ref arguments are read from Redis and put into the local
// backend under their cluster ids; its results are stored back in Redis before the job
// completes, so that the driver, and any node, can read them once it hears of it.
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { DriverBackend } from "../../core/backend";
import { nodeLabel, NodeView } from "../../core/views";
import type { TimelineEvent } from "../../core/timeline";
import { encode, Encoded } from "../../core/codec";
import { randomHex } from "../../core/ids";
import { ObjectRef } from "../../core/object-ref";
import { driverBackend, init, shutdown } from "../../api/session";
import { ClusterAddress } from "../address";
import { checkedClient, connectClient } from "../connect";
import { failureOf } from "../failures";
import { keys } from "../keys";
import { NodeRecord, registerNode, unregisterNode } from "../registry";
import { storedBytes, storedObject, StoredObject } from "../values";
import { CallActorPayload, CreateActorPayload, INLINE_BYTES, JobPayload, TaskPayload, TaskReport } from "../wire";
import { AdoptedFunctions } from "./adopted-functions";
import { TaskCancels } from "./cancels";
import { ForeignCalls } from "./foreign-calls";
import { Heartbeat, NodeLoss } from "./heartbeat";
import { Janitor } from "./janitor";
import { JobInbox } from "./job-inbox";
import { Lanes } from "./lanes";
import { OutputRelay } from "./output-relay";
import { ObjectWrite, ReportOutbox } from "./report-outbox";

export interface AgentOptions {
  numCpus: number;
  resources: Record<string, number>;
  /** Called once when the agent cannot go on as this node (it is then to be stopped). */
  onLost(loss: NodeLoss): void;
}

/** A task's event is among the timeline's latest this many when its result reaches the agent. */
const RECENT_EVENTS = 64;

export class NodeAgent {
  readonly id = randomHex(28);
  private local!: DriverBackend;
  private inbox?: JobInbox;
  private relay?: OutputRelay;
  private outbox?: ReportOutbox;
  private heartbeat?: Heartbeat;
  private record!: NodeRecord;
  private readonly lanes = new Lanes();
  /** Timeline events already reported (two tasks of one function may end together). */
  private readonly reported = new WeakSet<TimelineEvent>();
  private cancels?: TaskCancels;
  private readonly functions = new AdoptedFunctions();
  private janitor?: Janitor;
  private foreign?: ForeignCalls;
  /** Per actor: the number of the next job to reach the local backend, and those waiting for their turn (see inTurn). */
  private readonly actorTurns = new Map<string, { next: number; waiting: Map<number, () => void> }>();
  private stopped = false;

  private constructor(private readonly redis: Redis, private readonly address: ClusterAddress, private readonly options: AgentOptions) {}

  static async start(address: ClusterAddress, options: AgentOptions): Promise<NodeAgent> {
    const agent = new NodeAgent(await checkedClient(address), address, options);
    await agent.begin();
    return agent;
  }

  /** How its workers' rows and output lines name it ("host/1a2b3c"). */
  get label(): string {
    return nodeLabel({ hostname: hostname(), id: this.id });
  }

  /** What the registry holds of it, made once it is connected. */
  private recordNow(): NodeRecord {
    // The address this node reached Redis from is the one other machines see it by (ioredis's socket, not in its typings).
    const local = (this.redis as unknown as { stream?: { localAddress?: string } }).stream?.localAddress ?? "127.0.0.1";
    return { id: this.id, hostname: hostname(), address: local.replace(/^::ffff:/, ""), resources: { CPU: this.options.numCpus, ...this.options.resources }, pid: process.pid, startedAt: Date.now() };
  }

  private async begin(): Promise<void> {
    init({ address: "local", numCpus: this.options.numCpus, resources: this.options.resources, dashboard: false });
    this.local = driverBackend()!;
    this.relay = new OutputRelay(this.redis, this.label);
    this.outbox = new ReportOutbox(this.redis);
    const subscriber = connectClient(this.address).redis;
    subscriber.on("error", () => undefined); // reconnects; the heartbeat decides about the node
    this.foreign = new ForeignCalls(this.id, this.redis, subscriber, this.local, this.relay);
    this.cancels = new TaskCancels(this.local, this.id, subscriber);
    this.local.forwardForeignActorCalls!(this.foreign.forward);
    this.janitor = new Janitor(this.redis); // before the first batch: each asks it whether its driver is gone
    const blocking = await checkedClient(this.address, { blocking: true });
    blocking.on("error", () => undefined); // reconnects; the heartbeat decides about the node
    // Every batch read runs at once, side by side: the driver placed its jobs only where their CPUs were free.
    this.inbox = await JobInbox.open(blocking, this.redis, this.id, (payloads) => this.run(payloads));
    this.record = this.recordNow();
    await registerNode(this.redis, this.record);
    this.heartbeat = new Heartbeat(this.redis, this.id, this.local, () => this.view(), (loss) => {
      if (!this.stopped) this.options.onLost(loss);
    });
    await this.heartbeat.start();
  }

  /** Its local backend's view, named as the cluster knows the node. */
  private view(): NodeView {
    const { id, hostname, address } = this.record;
    return { ...this.local.view()[0], id, hostname, address, label: this.label };
  }

  /** Runs a batch's jobs (one driver's, placed in one turn: wire.ts) side by side, as they would have run as jobs of their own. */
  private async run(payloads: JobPayload[]): Promise<void> {
    // Queued for a driver gone since: nothing would read what it makes.
    if (await this.janitor!.driverGone(payloads[0].driverId)) return;
    this.functions.adopt(payloads);
    await Promise.all(payloads.map((payload) => this.runJob(payload)));
  }

  /**
   * Runs a job and reports it on its driver's list, with its objects (report-outbox.ts: a list,
   * not an events stream, which is trimmed: a driver reading late would miss ends).
   */
  private async runJob(payload: JobPayload): Promise<void> {
    const { jobId, driverId } = payload;
    const start = Date.now();
    const lane = this.lanes.take();
    let objects: ObjectWrite[] = [];
    let report: TaskReport;
    try {
      const stored = await this.outcomeOf(payload);
      const bytes = stored.map((object, i) => this.bytesOf(object, payload, i));
      objects = bytes.map((data, i) => [keys.object(driverId, payload.returnIds[i]), data]);
      const inline = bytes.map((data) => (data.length <= INLINE_BYTES ? data.toString("base64") : null));
      const ran = payload.kind === "task" ? this.ranAs(payload.options.name ?? payload.shipment.fn.name, start) : undefined;
      const when = ran ? { start: ran.start, end: ran.end, lane: ran.worker } : { start, end: Date.now(), lane };
      report = { jobId, node: this.id, callsBefore: 0, ...when, ok: stored.every((object) => "value" in object), inline };
    } catch (error) {
      report = { jobId, node: this.id, callsBefore: 0, failed: error instanceof Error ? error.message : String(error), start, end: Date.now(), lane, ok: false, inline: [] };
    } finally {
      this.lanes.give(lane);
    }
    // The calls it made to actors go out before its end does, and the driver makes them first, as on one machine.
    report.callsBefore = await this.foreign!.sentTo(driverId);
    await this.outbox!.send(driverId, report, objects);
  }

  /**
   * When and on which worker thread the local backend ran a task (its timeline's event, among
   * the latest: a scan for `since` reaches a minute back): the driver's timeline shows that,
   * not the job's stay on the node (a short task sent ahead waits there for a CPU).
   */
  private ranAs(name: string, since: number): TimelineEvent | undefined {
    const latest = this.local.recentTasks(0, RECENT_EVENTS).reverse();
    const event = latest.find((candidate) => candidate.end >= since && candidate.name === name && !this.reported.has(candidate));
    if (event) this.reported.add(event);
    return event;
  }

  private outcomeOf(payload: JobPayload): Promise<StoredObject[]> {
    const { jobId } = payload;
    switch (payload.kind) {
      case "task": {
        const submitted = this.argumentsOf(payload).then((args) => this.submitTask(payload, args));
        void submitted.then((refs) => this.cancels!.submitted(jobId, refs[0]?.id), () => undefined);
        return this.settled(payload, submitted).finally(() => this.cancels!.done(jobId));
      }
      case "create-actor":
        return this.inTurn(payload.actorId, 0, () => this.argumentsOf(payload).then((args) => this.createActor(payload, args))).then(() => []);
      case "call-actor": {
        const args = this.argumentsOf(payload);
        return this.settled(payload, this.inTurn(payload.actorId, payload.seq, () => args.then((ready) => this.callActor(payload, ready))));
      }
      case "kill-actor":
        this.local.killActor(payload.actorId);
        return Promise.resolve([]);
    }
  }

  private submitTask(payload: TaskPayload, args: Encoded[]): ObjectRef[] {
    // numReturns 0: the task still reports back once done (its value is dropped here).
    const options = { ...payload.options, numReturns: Math.max(1, payload.returnIds.length) };
    return this.relay!.within(payload, () => this.local.submit(payload.shipment, args, options));
  }

  private createActor(payload: CreateActorPayload, args: Encoded[]): void {
    this.relay!.within(payload, () => this.local.createActor(payload.actorId, payload.shipment, args, payload.options));
  }

  private callActor(payload: CallActorPayload, args: Encoded[]): ObjectRef[] {
    return this.relay!.within(payload, () => this.local.callActor(payload.actorId, payload.method, args, Math.max(1, payload.returnIds.length)));
  }

  /**
   * An actor's creation and calls reach the local backend in the order the driver sent
   * them (their `seq`), though BullMQ may hand over its jobs out of order and each reads
   * its arguments from Redis first.
   */
  private async inTurn<T>(actorId: string, seq: number, step: () => Promise<T>): Promise<T> {
    let turns = this.actorTurns.get(actorId);
    if (!turns) this.actorTurns.set(actorId, (turns = { next: 0, waiting: new Map() }));
    if (seq !== turns.next) await new Promise<void>((resolve) => turns!.waiting.set(seq, resolve));
    try {
      return await step();
    } finally {
      turns.next = seq + 1;
      const following = turns.waiting.get(seq + 1);
      turns.waiting.delete(seq + 1);
      following?.();
    }
  }

  /** The objects a submission settles into: its values, or its failure for each. */
  private async settled(payload: TaskPayload | CallActorPayload, submitted: Promise<ObjectRef[]>): Promise<StoredObject[]> {
    const numReturns = payload.returnIds.length;
    try {
      const refs = await submitted;
      const values = await this.local.getEncoded(refs.map((ref) => ref.id));
      return numReturns === 0 ? [] : values.map((value) => ({ value }));
    } catch (error) {
      if (numReturns === 0) this.relay!.send(payload, `${String((error as Error)?.stack ?? error)}\n`);
      const failure = failureOf(error, this.label);
      return payload.returnIds.map(() => ({ failure }));
    }
  }

  /**
   * Top-level refs become refs to the same objects, read from Redis into the local backend;
   * so do the refs carried inside the arguments and captured values, which the task may get
   * (the local backend holds what a task is given until the task no longer needs it).
   */
  private async argumentsOf(payload: TaskPayload | CreateActorPayload | CallActorPayload): Promise<Encoded[]> {
    const topLevel = payload.args.flatMap((slot) => ("ref" in slot ? [slot.ref] : []));
    const ids = [...new Set([...topLevel, ...("carried" in payload ? payload.carried : [])])];
    const buffers = ids.length ? await this.redis.mgetBuffer(...ids.map((id) => keys.object(payload.driverId, id))) : [];
    const held = new Map<string, ObjectRef>();
    ids.forEach((id, i) => {
      const data = buffers[i];
      if (!data) throw new Error(`the object ${id} of the driver ${payload.driverId} is not in Redis (freed, or its driver is gone)`);
      const stored = storedObject(data);
      if (!("value" in stored)) {
        if (topLevel.includes(id)) throw new Error(`the argument ${id} failed: the driver should not have sent this task`);
        return;
      }
      this.local.put(stored.value, id);
      held.set(id, new ObjectRef(id));
    });
    return payload.args.map((slot) => ("value" in slot ? slot.value : encode(held.get(slot.ref)!, "an argument")));
  }

  private bytesOf(object: StoredObject, payload: JobPayload, index: number): Buffer {
    const what = payload.returnIds.length > 1 ? `the result ${index} of ${payload.name}` : `the result of ${payload.name}`;
    try {
      return storedBytes(object, what);
    } catch (error) {
      return storedBytes({ failure: failureOf(error) }, what);
    }
  }

  /**
   * Ends the agent. A node stopped on purpose leaves no key behind; one the cluster counted
   * dead (`keepRecord`) stays listed as dead (`ray.nodes()`, as Ray lists dead nodes) until
   * the janitors sweep it.
   */
  async stop({ keepRecord = false } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.heartbeat?.stop();
    this.janitor?.stop();
    this.foreign?.close();
    await this.inbox?.stop();
    await this.redis.del(keys.nodeJobs(this.id)).catch(() => undefined); // its stream of jobs goes with it
    this.relay?.close();
    if (!keepRecord) await unregisterNode(this.redis, this.id).catch(() => undefined);
    await shutdown();
    this.redis.disconnect();
  }
}
