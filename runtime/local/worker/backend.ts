// `ray` inside a task: nested submissions, gets and waits go to the driver. While a task
// waits for the driver, it tells it so, and the driver lends its CPU to other tasks (so
// that tasks waiting for their own nested tasks cannot deadlock the pool).
import type { Backend } from "../../core/backend";
import { decode, Encoded } from "../../core/codec";
import { errorReceived } from "../../core/errors";
import { newObjectId } from "../../core/ids";
import { ObjectRef } from "../../core/object-ref";
import type { FromWorker, ToWorker } from "../protocol";
import type { SubmitOptions } from "../../core/task-options";
import type { Shipment } from "../../core/shipment";
import type { NodeInfo } from "../../core/views";
import { availableResourcesOf, ClusterShare, clusterResourcesOf, nodesOf } from "../cluster-info";

export class WorkerBackend implements Backend {
  private nextRequest = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  /** The driver's resources, sent once at the worker's start (cluster-info.ts). */
  cluster?: ClusterShare;

  /** `currentTask`: the task (or actor call) running in this thread, whose CPU a blocking request lends. */
  constructor(private readonly send: (message: FromWorker) => void, private readonly currentTask: () => number) {}

  submit(shipment: Shipment, args: Encoded[], options: SubmitOptions): ObjectRef[] {
    const refs = Array.from({ length: options.numReturns }, () => newObjectId());
    this.send({ t: "submit", fn: shipment.fn.id, data: shipment.data, args, options, refs });
    return refs.map((id) => new ObjectRef(id));
  }

  put(value: Encoded): ObjectRef {
    const id = newObjectId();
    this.send({ t: "put", id, value });
    return new ObjectRef(id);
  }

  private async request(message: FromWorker & { req: number }): Promise<unknown> {
    const task = this.currentTask();
    this.send({ t: "blocked", task, blocked: true });
    try {
      return await new Promise((resolve, reject) => {
        this.pending.set(message.req, { resolve, reject });
        this.send(message);
      });
    } finally {
      this.send({ t: "blocked", task, blocked: false });
    }
  }

  async get(ids: string[], timeout?: number): Promise<unknown[]> {
    const values = (await this.request({ t: "get", req: this.nextRequest++, ids, timeout })) as Encoded[];
    return values.map(decode);
  }

  async wait(ids: string[], numReturns: number, timeout?: number): Promise<boolean[]> {
    return (await this.request({ t: "wait", req: this.nextRequest++, ids, numReturns, timeout })) as boolean[];
  }

  cancel(id: string, force: boolean): void {
    this.send({ t: "cancel", id, force });
  }

  createActor(actor: string, shipment: Shipment, args: Encoded[], options: SubmitOptions): void {
    // The class's code travels whole: the driver may never have sent it (an actor's own thread received it).
    this.send({ t: "actor.new", actor, fn: shipment.fn, data: shipment.data, args, options });
  }

  callActor(actor: string, method: string, args: Encoded[], numReturns: number): ObjectRef[] {
    const refs = Array.from({ length: numReturns }, () => newObjectId());
    this.send({ t: "actor.call", actor, method, args, numReturns, refs });
    return refs.map((id) => new ObjectRef(id));
  }

  killActor(actor: string): void {
    this.send({ t: "actor.kill", actor });
  }

  clusterResources(): Record<string, number> {
    return clusterResourcesOf(this.share());
  }

  availableResources(): Record<string, number> {
    return availableResourcesOf(this.share());
  }

  nodes(): NodeInfo[] {
    return nodesOf(this.share());
  }

  private share(): ClusterShare {
    if (!this.cluster) throw new Error("tsray: this worker has not been told its node's resources yet");
    return this.cluster;
  }

  reply(message: ToWorker): void {
    if (message.t !== "reply") return;
    const pending = this.pending.get(message.req);
    this.pending.delete(message.req);
    if (!pending) return;
    if (message.ok) pending.resolve(message.value);
    else pending.reject(errorReceived(message.error));
  }
}
