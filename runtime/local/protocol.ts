// Messages on the channel between the driver and each worker (a MessagePort handed over
// once at spawn; threads.js carries nothing per task).
import type { Encoded } from "../core/codec";
import type { ThrownInfo } from "../core/errors";
import type { ShippedData, ShippedFunction } from "../core/shipment";
import type { ClusterShare } from "./cluster-info";
import type { SubmitOptions } from "../core/task-options";

export interface TaskMessage {
  task: number;
  /** Its claim cell: the worker runs it only if it claims it first (prefetch.ts). */
  cell: number;
  name: string;
  /** The function's code the first time this worker sees it, its id afterwards. */
  fn: ShippedFunction | number;
  data: ShippedData[];
  args: Encoded[];
  numReturns: number;
}

export interface TaskResult {
  task: number;
  ok: boolean;
  values?: Encoded[];
  error?: ThrownInfo;
  start: number;
  end: number;
}

/** A method call on an actor, run in its thread in the order sent. */
export interface ActorCallMessage {
  call: number;
  /** Its claim cell in the actor thread's (prefetch.ts): a call cancelled before it starts is taken back. */
  cell: number;
  method: string;
  args: Encoded[];
  numReturns: number;
}

export type ToWorker =
  | { t: "claims"; cells: Int32Array }
  /** The cell `ray.cancel` marks with a running task's id + 1: a `time.sleep` in that task wakes (KeyboardInterrupt). */
  | { t: "cancel-flag"; flag: Int32Array }
  | { t: "cluster"; cluster: ClusterShare }
  | { t: "actor.create"; fn: ShippedFunction; data: ShippedData[]; args: Encoded[] }
  | { t: "actor.calls"; calls: ActorCallMessage[] }
  | { t: "tasks"; tasks: TaskMessage[] }
  | { t: "reply"; req: number; ok: true; value: unknown }
  | { t: "reply"; req: number; ok: false; error: ThrownInfo };

export type FromWorker =
  | { t: "done"; results: TaskResult[] }
  | { t: "log"; task: number; text: string }
  | { t: "submit"; fn: number; data: ShippedData[]; args: Encoded[]; options: SubmitOptions; refs: string[] }
  | { t: "put"; id: string; value: Encoded }
  | { t: "get"; req: number; ids: string[]; timeout?: number }
  | { t: "wait"; req: number; ids: string[]; numReturns: number; timeout?: number }
  | { t: "cancel"; id: string; force: boolean }
  | { t: "blocked"; task: number; blocked: boolean }
  | { t: "actor.ready"; ok: boolean; error?: ThrownInfo; start: number; end: number }
  | { t: "actor.done"; results: TaskResult[] }
  | { t: "actor.call"; actor: string; method: string; args: Encoded[]; numReturns: number; refs: string[] }
  | { t: "actor.kill"; actor: string }
  | { t: "actor.new"; actor: string; fn: ShippedFunction; data: ShippedData[]; args: Encoded[]; options: SubmitOptions };
