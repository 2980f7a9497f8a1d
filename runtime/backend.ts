// What `ray.*` calls talk to: the driver's runtime in the thread that called `init`, or,
// inside a worker, a client that forwards nested calls to the driver.
import type { Encoded } from "./codec";
import type { ObjectRef } from "./object-ref";
import type { SubmitOptions } from "./protocol";
import type { Shipment } from "./shipping/ship";

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
}

let backend: Backend | undefined;

export function setBackend(next: Backend | undefined): void {
  backend = next;
}

export function currentBackend(): Backend | undefined {
  return backend;
}
