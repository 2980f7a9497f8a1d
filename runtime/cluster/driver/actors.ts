// The cluster's actors, in the driver. An actor's creation is placed as a task is (the
// scheduler's FIFO, Ray's rule for a default actor's CPU); from then on it lives on that
// node, holding its CPUs, and its calls go to that node's queue one after another, in the
// order they were made, each once its ref arguments are ready. Its node's death, a kill,
// or its creation's failure make it dead: calls pending then, and later ones, fail with
// RayActorError.
import { Encoded, refIdOf } from "../../core/codec";
import { dependencyFailed, RayActorError } from "../../core/errors";
import { TERMINATE } from "../../core/task-options";
import { argSlotOf, JobPayload, TaskReport } from "../wire";
import type { RegisteredNode } from "../registry";
import type { ClusterObjects } from "./objects";
import type { ClusterNode, NodeTable } from "./nodes";
import { ClusterTask, heldByActor } from "./tasks";

interface ClusterActor {
  id: string;
  name: string;
  state: "pending" | "alive" | "dead";
  creation: ClusterTask;
  node?: ClusterNode;
  /** Settles once its last job went into its node's queue: the next one follows it. */
  sent: Promise<void>;
  death?: Error;
  /** Held on its node while alive. */
  holds: boolean;
  /** The number of its last job sent (its creation is 0). */
  seq: number;
}

interface ActorCall {
  actor: ClusterActor;
  number: number;
  name: string;
  returnIds: string[];
}

export interface ActorEvents {
  send(node: ClusterNode, payload: JobPayload): Promise<unknown>;
  /** A call ended (for the timeline): its node's report. */
  callDone(call: { name: string; node: ClusterNode }, report: TaskReport): void;
}

export class ClusterActors {
  private readonly actors = new Map<string, ClusterActor>();
  private readonly calls = new Map<string, ActorCall>();
  private nextCall = 0;

  constructor(
    private readonly driverId: string,
    private readonly nodes: NodeTable,
    private readonly objects: ClusterObjects,
    private readonly events: ActorEvents
  ) {}

  /** Its creation, about to join the scheduler's queue. */
  created(id: string, creation: ClusterTask): void {
    this.actors.set(id, { id, name: creation.options.name ?? creation.body.shipment.fn.name, state: "pending", creation, sent: Promise.resolve(), holds: false, seq: 0 });
  }

  /** The scheduler placed its creation on a node. */
  placed(task: ClusterTask, sent: Promise<void>): void {
    const actor = task.body.kind === "create-actor" ? this.actors.get(task.body.actorId) : undefined;
    if (!actor) return;
    actor.node = task.node;
    actor.sent = sent.catch(() => undefined);
  }

  /** Its creation's job ended: it is alive (holding its CPUs), or it died before it began. */
  creationEnded(task: ClusterTask, outcome: { report: TaskReport } | { error: Error }): void {
    const actor = task.body.kind === "create-actor" ? this.actors.get(task.body.actorId) : undefined;
    if (!actor || actor.state !== "pending") return;
    if ("error" in outcome) return this.ended(actor, outcome.error instanceof RayActorError ? outcome.error : new RayActorError(`The actor ${actor.name} could not be created: ${outcome.error.message}`));
    actor.state = "alive";
    this.nodes.take(actor.node!, heldByActor(task.options));
    actor.holds = true;
  }

  /** `returnIds`: the ids of the call's refs, made by the caller. */
  call(id: string, method: string, args: Encoded[], returnIds: string[], number: number): void {
    const actor = this.actors.get(id);
    for (const returnId of returnIds) this.objects.create(returnId);
    const name = `ray::${actor?.name ?? "Actor"}.${method}()`;
    if (!actor || actor.state === "dead") {
      const error = actor?.death ?? new RayActorError(`The actor ${id} is not known to this session`);
      for (const returnId of returnIds) this.objects.fail(returnId, error);
      return;
    }
    const call: ActorCall = { actor, number, name, returnIds };
    const dependencies = args.flatMap((arg) => refIdOf(arg) ?? []);
    actor.sent = actor.sent
      .then(() => this.argumentsReady(dependencies))
      .then(() => this.send(call, method, args, dependencies))
      .catch((error: Error) => returnIds.forEach((returnId) => this.objects.fail(returnId, error)));
  }

  private argumentsReady(ids: string[]): Promise<void> {
    return Promise.all(ids.map((id) => new Promise<void>((resolve) => this.objects.onSettled(id, resolve)))).then(() => undefined);
  }

  private async send(call: ActorCall, method: string, args: Encoded[], dependencies: string[]): Promise<void> {
    const failed = dependencies.map((id) => this.objects.errorOf(id)).find((error) => error !== undefined);
    if (failed) throw dependencyFailed(call.name, failed);
    const { actor } = call;
    if (actor.state === "dead" || !actor.node) throw actor.death ?? new RayActorError(`The actor ${actor.name} died`);
    await this.objects.storedInRedis(dependencies);
    const jobId = `a-${this.driverId}-${this.nextCall++}`;
    this.calls.set(jobId, call);
    const seq = ++actor.seq;
    const payload: JobPayload = { kind: "call-actor", driverId: this.driverId, jobId, task: call.number, name: call.name, actorId: actor.id, seq, method, args: args.map(argSlotOf), returnIds: call.returnIds };
    await this.events.send(actor.node, payload);
    if (method === TERMINATE) this.ended(actor, new RayActorError(`The actor ${actor.name} was ended by __ray_terminate__`));
  }

  jobDone(jobId: string, report: TaskReport): boolean {
    const call = this.calls.get(jobId);
    if (!call) return false;
    this.calls.delete(jobId);
    call.returnIds.forEach((id, i) => {
      const inline = report.inline[i];
      this.objects.storedByNode(id, inline ? Buffer.from(inline, "base64") : null);
    });
    if (call.actor.node) this.events.callDone({ name: call.name, node: call.actor.node }, report);
    return true;
  }

  jobFailed(jobId: string, reason: string): boolean {
    const call = this.calls.get(jobId);
    if (!call) return false;
    this.calls.delete(jobId);
    for (const id of call.returnIds) this.objects.fail(id, new RayActorError(`${call.name} failed on its node: ${reason}`));
    return true;
  }

  kill(id: string, withdraw: (creation: ClusterTask, error: Error) => void): void {
    const actor = this.actors.get(id);
    if (!actor || actor.state === "dead") return;
    const error = new RayActorError(`The actor ${actor.name} was killed by ray.kill()`);
    if (actor.state === "pending" && actor.creation.state !== "placed") {
      withdraw(actor.creation, error);
      return this.ended(actor, error);
    }
    const node = actor.node!;
    const payload: JobPayload = { kind: "kill-actor", driverId: this.driverId, jobId: `k-${this.driverId}-${this.nextCall++}`, task: actor.creation.number, name: actor.name, actorId: id, args: [], returnIds: [] };
    // After what was already sent to it, so that the node sees the actor before its end.
    void actor.sent.then(() => this.events.send(node, payload)).catch(() => undefined);
    this.ended(actor, error);
  }

  /** Its node died: it is dead, and so are the calls it had not answered. */
  nodeDied(record: RegisteredNode): void {
    const error = new RayActorError(`The actor's node ${record.id.slice(0, 12)} (${record.hostname}, ${record.address}) died`);
    for (const actor of this.actors.values()) if (actor.node?.record.id === record.id && actor.state !== "dead") this.ended(actor, error);
    for (const [jobId, call] of this.calls) {
      if (call.actor.node?.record.id !== record.id) continue;
      this.calls.delete(jobId);
      for (const id of call.returnIds) this.objects.fail(id, error);
    }
  }

  /** It ends on its node after what it was sent: later calls fail, its CPUs come back. */
  private ended(actor: ClusterActor, death: Error): void {
    actor.state = "dead";
    actor.death = death;
    if (actor.holds && actor.node?.record.alive) this.nodes.give(actor.node, heldByActor(actor.creation.options));
    actor.holds = false;
  }

  counts(): { alive: number } {
    return { alive: [...this.actors.values()].filter((actor) => actor.state === "alive").length };
  }
}
