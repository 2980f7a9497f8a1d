// A task as the cluster's driver follows it (an actor's creation is one too: it is placed
// as a task is): waiting for its arguments, ready (in the one FIFO queue of the cluster),
// placed on a node (its job in that node's queue), or done.
import type { AsyncResource } from "node:async_hooks";
import type { Encoded } from "../../core/codec";
import type { Shipment } from "../../core/shipment";
import type { SubmitOptions } from "../../core/task-options";
import type { Needs } from "./nodes";
import type { ClusterNode } from "./nodes";

/** What the task's job runs: a function, or an actor's constructor. */
export type TaskBody = { kind: "task"; shipment: Shipment } | { kind: "create-actor"; actorId: string; seq: 0; shipment: Shipment };

export interface ClusterTask {
  number: number;
  /** `ray::f()`. */
  name: string;
  body: TaskBody;
  args: Encoded[];
  options: SubmitOptions;
  returnIds: string[];
  /** The cell that submitted it: where its output goes. */
  context: AsyncResource;
  /** Its top-level ref arguments, which must be ready before it is placed. */
  dependencies: string[];
  /**
   * The refs inside its arguments and captured values: they reach the task as refs, and
   * it is placed once they are settled, so that its node can put them in its local store.
   */
  carried: string[];
  /** Times it was placed again after its node died. */
  retries: number;
  state: "waiting" | "ready" | "placed" | "done";
  node?: ClusterNode;
  jobId?: string;
  /** The BullMQ job its job went in (node-channels.ts), once in the node's queue. */
  batch?: string;
  /** Sent ahead to its node (ahead.ts): it took no resources here. */
  ahead?: boolean;
}

/** What must be free to place it: its CPUs, or one for a default actor, which holds none (Ray's rule). */
export const needsToPlace = (task: ClusterTask): Needs => ({
  numCpus: Math.max(task.options.numCpus, task.options.placementCpus ?? 0),
  resources: task.options.resources,
});

/** What an actor holds while alive. */
export const heldByActor = (options: SubmitOptions): Needs => ({ numCpus: options.numCpus, resources: options.resources });
