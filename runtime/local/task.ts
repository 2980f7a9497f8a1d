// A task of the local backend, from submission to its end: what it runs and on what, what
// it still waits for, where it runs, and where its output goes.
import type { AsyncResource } from "node:async_hooks";
import type { Encoded } from "../core/codec";
import type { Shipment } from "../core/shipment";
import type { SubmitOptions } from "../core/task-options";
import type { Dependency } from "./dependencies";
import type { WorkerSlot } from "./worker-slot";

export interface Task {
  id: number;
  name: string;
  shipment: Shipment;
  args: Encoded[];
  /** Top-level ref arguments not yet replaced by their values (dependencies.ts). */
  deps: Dependency[];
  waitingOn?: string;
  refs: string[];
  options: SubmitOptions;
  retries: number;
  state: "queued" | "running" | "finished";
  /** "running": cancelled without force while it ran; it runs on, its refs already failed. */
  cancelled?: "queued" | "running" | "force";
  slot?: WorkerSlot;
  /** Its claim cell in the slot's (see prefetch.ts). */
  cell?: number;
  /** Sent ahead to a busy worker: it holds no resources until the task before it ends. */
  prefetched?: boolean;
  /** When it was sent to its worker, or became the head of its worker's list (epoch ms; the dashboard's "since"). */
  startedAt?: number;
  /** Where its output goes: the async context (the cell) that submitted it. */
  context: AsyncResource;
  /** Tasks it submitted from its worker (ray.cancel cancels them with it). */
  children?: number[];
  /** The creation of this actor: it takes its CPUs here, then runs on its own thread. */
  actor?: string;
}

/** Back in the queue: no slot, no cell, nothing prefetched. */
export function unassign(task: Task): void {
  Object.assign(task, { state: "queued", slot: undefined, cell: undefined, prefetched: false });
}

export const qualifiedName = (task: Task): string => `ray::${task.name}()`;
