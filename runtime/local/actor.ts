// An actor of the local backend as the actor table holds it (actors.ts), and a method call
// on it, from the call to its result: its arguments, what it still waits for, its claim
// cell once sent to the actor's thread, and where its output goes.
import type { AsyncResource } from "node:async_hooks";
import type { Encoded } from "../core/codec";
import type { SubmitOptions } from "../core/task-options";
import type { Dependency } from "./dependencies";
import type { WorkerSlot } from "./worker-slot";

export interface Call {
  id: number;
  method: string;
  args: Encoded[];
  refs: string[];
  numReturns: number;
  context: AsyncResource;
  /** Top-level ref arguments not yet replaced by their values (dependencies.ts). */
  deps: Dependency[];
  /** The argument whose settling pumps the actor's queue again. */
  waitingOn?: string;
  /** Its claim cell in the actor thread's, once sent. */
  cell?: number;
}

export interface Actor {
  id: string;
  name: string;
  options: SubmitOptions;
  /** pending: waiting in the task queue for its CPUs; alive: holding them, on its thread. */
  state: "pending" | "alive" | "dead";
  slot?: WorkerSlot;
  /** Not yet sent to its thread, in order. */
  queue: Call[];
  /** Sent, not yet done. */
  sent: Map<number, Call>;
  pumpQueued: boolean;
  /** `__ray_terminate__` was sent: nothing more is. */
  terminating: boolean;
  /** A handle of it left the driver's thread (or it was made in a task): it is never ended for want of handles. */
  escaped: boolean;
  /** Its last handle was collected: it ends after the calls queued before. */
  outOfScope: boolean;
  context: AsyncResource;
  death?: { message: string; cause?: Error };
}
