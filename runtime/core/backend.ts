// What `ray.*` calls talk to. In the thread that called `init`, the driver's backend (today
// the local one, runtime/local/); inside a worker, a client that forwards nested calls to
// the driver. The API and the dashboard see only these interfaces, never a backend's parts,
// so that another backend plugs in beside the local one (the session picks it).
import type { AsyncResource } from "node:async_hooks";
import type { Encoded } from "./codec";
import type { ObjectRef } from "./object-ref";
import type { SubmitOptions } from "./task-options";
import type { Shipment } from "./shipment";
import type { ClusterView, NodeInfo, NodeView } from "./views";
import type { TimelineEvent, TraceEvent } from "./timeline";

/** What settles an object made elsewhere: its value, or its error. */
export type Settle = (id: string, outcome: { value: Encoded } | { error: Error }) => void;

/**
 * A call to an actor a backend does not host, handed to whoever can reach it (a cluster
 * node's local backend hands its tasks' calls to their driver). `refs` are the call's, made
 * pending here; `context` is the submitting task's (it tells whose task called).
 */
export type ForeignActorCall = (call: { actorId: string; method: string; args: Encoded[]; refs: string[]; context?: AsyncResource }, settle: Settle) => void;

export interface Backend {
  /** Submits a task; `args` are already encoded (refused values never get here). */
  submit(shipment: Shipment, args: Encoded[], options: SubmitOptions): ObjectRef[];
  put(value: Encoded): ObjectRef;
  get(ids: string[], timeout?: number): Promise<unknown[]>;
  /** Whether each id (by position) is among those ready: true for at most numReturns of them, the first ready ones. */
  wait(ids: string[], numReturns: number, timeout?: number): Promise<boolean[]>;
  cancel(id: string, force: boolean): void;
  /** Queues the creation of actor `id` (a 32-hex id its caller made). */
  createActor(id: string, shipment: Shipment, args: Encoded[], options: SubmitOptions): void;
  /** Queues a method call; its refs at once. */
  callActor(id: string, method: string, args: Encoded[], numReturns: number): ObjectRef[];
  killActor(id: string): void;
  /** `ray.clusterResources()`: the totals of the alive nodes (synchronous, as Ray's, in tasks too). */
  clusterResources(): Record<string, number>;
  /** `ray.availableResources()`: what is free now. */
  availableResources(): Record<string, number>;
  nodes(): NodeInfo[];
}

/** The backend `init` started, in the driver: what the session, a `get`'s progress bar and the dashboard read. */
export interface DriverBackend extends Backend {
  readonly numCpus: number;
  /** The line `init` prints, e.g. "a local tsray instance with 2 CPU(s) (2 worker threads)". */
  readonly description: string;
  /** As `get`, the values left as stored (a node agent passes them on without decoding them). */
  getEncoded(ids: string[], timeout?: number): Promise<Encoded[]>;
  /** As `put`, under an id given by whoever made the ref (a node agent storing a cluster's object). */
  put(value: Encoded, id?: string): ObjectRef;
  /** What its tasks see of the cluster it is a node of (a cluster node's agent shows them; by default, only this node). */
  showCluster?(view: ClusterView): void;
  /** Where calls to actors it does not host go (by default they fail as unknown). */
  forwardForeignActorCalls?(forward: ForeignActorCall): void;
  /** Calls `settled` once the object is ready or failed (at once if it is). Throws for an id no longer stored. */
  onSettled(id: string, settled: () => void): void;
  /** Chrome trace events of the most recent tasks (`ray.timeline()`). */
  trace(): TraceEvent[];
  /** The tasks that ended at or after `since` (epoch ms), at most `limit` of the latest. */
  recentTasks(since: number, limit: number): TimelineEvent[];
  /** The nodes (one for the local backend), their workers and actors, as the dashboard shows them. */
  view(): NodeView[];
  shutdown(): Promise<void>;
}

let backend: Backend | undefined;

/** Set by the session in the driver, and by a worker thread's main module in the worker. */
export function setBackend(next: Backend | undefined): void {
  backend = next;
}

export function currentBackend(): Backend | undefined {
  return backend;
}
