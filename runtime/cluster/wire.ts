// What a job carries to a node (a task, or an actor's creation, call or end), and what the
// node answers when the job completes. The jobs a driver places on a node in one turn of
// its event loop travel as one entry of the node's stream, a batch (the cost in Redis is
// per entry: its add, its read, its deletion). A batch is V8's serialization, as bytes: the
// shipment's data and the arguments may hold typed arrays, Maps, Dates.
import { deserialize, serialize } from "node:v8";
import { Encoded, refIdOf } from "../core/codec";
import type { Shipment } from "../core/shipment";
import type { SubmitOptions } from "../core/task-options";

/** An argument: a value, or a ref whose object the node reads from Redis (a top-level ref, resolved before the task runs). */
export type ArgSlot = { value: Encoded } | { ref: string };

export function argSlotOf(arg: Encoded): ArgSlot {
  const ref = refIdOf(arg);
  return ref ? { ref } : { value: arg };
}

/** What every job names: the driver that placed it, and the driver's number for it (its output's way back to the cell). */
interface JobOrigin {
  driverId: string;
  /** The driver's id for the job (its report, its cancel, name it). */
  jobId: string;
  task: number;
  /** `ray::f()`, `ray::Counter.add()`, for messages. */
  name: string;
}

/** Refs inside its arguments and captured values, settled before it was sent: the node reads them into its local store. */
interface CarriesRefs {
  carried: string[];
}

export interface TaskPayload extends JobOrigin, CarriesRefs {
  kind: "task";
  shipment: Shipment;
  args: ArgSlot[];
  options: SubmitOptions;
  /** The ids its return objects take (none for numReturns 0). */
  returnIds: string[];
}

/** An actor made on the node, under the driver's id for it; it lives there until killed. */
export interface CreateActorPayload extends JobOrigin, CarriesRefs {
  kind: "create-actor";
  actorId: string;
  /** 0: an actor's jobs may be fetched out of order (BullMQ's concurrency), its node runs them by this number. */
  seq: 0;
  shipment: Shipment;
  args: ArgSlot[];
  options: SubmitOptions;
  returnIds: [];
}

export interface CallActorPayload extends JobOrigin {
  kind: "call-actor";
  actorId: string;
  /** 1, 2, ... in the order the driver sent them. */
  seq: number;
  method: string;
  args: ArgSlot[];
  returnIds: string[];
}

export interface KillActorPayload extends JobOrigin {
  kind: "kill-actor";
  actorId: string;
  args: [];
  returnIds: [];
}

export type JobPayload = TaskPayload | CreateActorPayload | CallActorPayload | KillActorPayload;

/**
 * What a node says of a job it ran, on the driver's list of reports (keys.reports): when and
 * where (the node's lane) it ran; small objects ride along, already stored in Redis too.
 * `failed`: the node could not run it at all (an argument gone from Redis).
 */
export interface TaskReport {
  jobId: string;
  /** The node that ran it, and how many calls its tasks had sent the driver by then (the driver makes those first). */
  node: string;
  callsBefore: number;
  failed?: string;
  start: number;
  end: number;
  lane: number;
  ok: boolean;
  /** base64 of each stored object (values.ts), by position in returnIds; null when only in Redis. */
  inline: (string | null)[];
}

/** A call a task on a node makes to an actor of its driver, which the driver makes for it. */
export interface ForeignCall {
  node: string;
  /** 1, 2, ...: the node's calls to this driver, in the order sent. */
  seq: number;
  /** The driver's number of the calling task (its output's way to the cell). */
  task: number;
  actorId: string;
  method: string;
  args: Encoded[];
  refs: string[];
}

/** One of a ForeignCall's objects, settled: its stored form when small, else read from Redis. */
export interface ForeignReply {
  ref: string;
  stored: string | null;
}

export function packed(value: ForeignCall | ForeignReply): string {
  return serialize(value).toString("base64");
}

export function unpacked<T extends ForeignCall | ForeignReply>(text: string): T {
  return deserialize(Buffer.from(text, "base64")) as T;
}

/** `ray.cancel` of a task placed on a node: the node cancels it there, as on one machine (`force` ends its worker). */
export interface Cancel {
  jobId: string;
  force: boolean;
}

/** Objects up to this size also ride back with the job's report (the driver then needs no read). */
export const INLINE_BYTES = 64 * 1024;

/** A batch of jobs for one node, from one driver, as its stream's entry holds it. */
export function packBatch(payloads: JobPayload[]): Buffer {
  return serialize(payloads);
}

export function unpackBatch(data: Buffer): JobPayload[] {
  return deserialize(data) as JobPayload[];
}
