// The `ray` namespace (API.md section 2; actors in actor.ts): the same functions in a cell, in a
// plain Node program, and inside a task (where they talk to the driver).
import { writeFileSync } from "node:fs";
import { currentBackend, Backend } from "../core/backend";
import { CannotCopyError, encode } from "../core/codec";
import { RayError } from "../core/errors";
import { ObjectRef } from "../core/object-ref";
import type { TraceEvent } from "../core/timeline";
import type { NodeInfo } from "../core/views";
import { RemoteFunction, RemoteOptions, RefsFor } from "./remote-function";
import { ActorClass, ActorHandleCore, ActorOptions, isActorHandle, isClass } from "./actor";
import { withProgress } from "./progress";
import { backendOrInit, driverBackend } from "./session";

export type { NodeInfo };

type AnyFunction = (...args: any[]) => any;
type AnyClass = abstract new (...args: any[]) => any;

export function remote<F extends AnyFunction>(fn: F): RemoteFunction<Parameters<F>, Awaited<ReturnType<F>>>;
export function remote<const O extends RemoteOptions, F extends AnyFunction>(
  options: O,
  fn: F
): RemoteFunction<Parameters<F>, Awaited<ReturnType<F>>, RefsFor<O, Awaited<ReturnType<F>>>>;
export function remote<C extends AnyClass>(cls: C): ActorClass<C>;
export function remote<C extends AnyClass>(options: ActorOptions, cls: C): ActorClass<C>;
export function remote(first: RemoteOptions | ActorOptions | AnyFunction, second?: AnyFunction): RemoteFunction<any, any, any> | ActorClass {
  const make = (fn: AnyFunction, options?: object) => (isClass(fn) ? new ActorClass(fn as never, options) : new RemoteFunction(fn, options));
  if (typeof first === "function") return make(first);
  if (typeof second === "function" && typeof first === "object" && first !== null) return make(second, first);
  throw new TypeError("ray.remote(fn) or ray.remote(options, fn) expects a function or a class");
}

/** Ends the actor now: its pending and later calls fail with RayActorError (`h.__ray_terminate__.remote()` waits for the queued ones). */
export function kill(handle: ActorHandleCore): void {
  if (!isActorHandle(handle)) throw new TypeError(`ray.kill() expects an actor handle, got ${describe(handle)}`);
  backend().killActor(handle.actorId);
}

function backend(): Backend {
  const found = currentBackend();
  if (!found) throw new RayError("ray.init() has not been called");
  return found;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an object (${(value as object).constructor?.name ?? "Object"})`;
  return `a ${typeof value} (${String(value)})`;
}

export type Resolved<T> = T extends ObjectRef<infer V> ? V : never;

export function get<T>(ref: ObjectRef<T>, options?: { timeout?: number }): Promise<T>;
export function get<const R extends readonly ObjectRef<unknown>[]>(refs: R, options?: { timeout?: number }): Promise<{ -readonly [K in keyof R]: Resolved<R[K]> }>;
export function get<T>(refs: ObjectRef<T>[], options?: { timeout?: number }): Promise<T[]>;
export async function get(refs: unknown, options: { timeout?: number } = {}): Promise<unknown> {
  const single = refs instanceof ObjectRef;
  const list = single ? [refs] : refs;
  if (!Array.isArray(list)) throw new TypeError(`ray.get() expects an ObjectRef or an array of ObjectRefs, got ${describe(refs)}`);
  list.forEach((ref, i) => {
    if (!(ref instanceof ObjectRef)) throw new TypeError(`ray.get() expects an ObjectRef or an array of ObjectRefs, got ${describe(ref)} at index ${i}`);
  });
  checkTimeout("ray.get", options.timeout);
  const ids = (list as ObjectRef[]).map((ref) => ref.id);
  const values = await withProgress(driverBackend(), ids, backend().get(ids, options.timeout));
  return single ? values[0] : values;
}

function checkTimeout(where: string, timeout: number | undefined): void {
  if (timeout !== undefined && !(typeof timeout === "number" && timeout >= 0)) {
    throw new RangeError(`${where}: timeout must be a number of seconds >= 0, got ${String(timeout)}`);
  }
}

export async function wait<T>(
  refs: ObjectRef<T>[],
  options: { numReturns?: number; timeout?: number } = {}
): Promise<[ObjectRef<T>[], ObjectRef<T>[]]> {
  if (!Array.isArray(refs)) throw new TypeError(`wait() expected a list of ray.ObjectRef, got ${describe(refs)}`);
  refs.forEach((ref, i) => {
    if (!(ref instanceof ObjectRef)) throw new TypeError(`wait() expected a list of ray.ObjectRef, got ${describe(ref)} at index ${i}`);
  });
  if (options.timeout !== undefined && options.timeout < 0) throw new RangeError(`The 'timeout' argument must be nonnegative. Received ${options.timeout}`);
  checkTimeout("ray.wait", options.timeout);
  // As Ray: nothing to wait for is no error, whatever numReturns says.
  if (refs.length === 0) return [[], []];
  const ids = refs.map((ref) => ref.id);
  if (new Set(ids).size !== ids.length) throw new Error("Wait requires a list of unique object refs.");
  const numReturns = options.numReturns ?? 1;
  if (!(Number.isInteger(numReturns) && numReturns > 0)) throw new RangeError(`Invalid number of objects to return ${numReturns}.`);
  if (numReturns > refs.length) throw new RangeError("num_returns cannot be greater than the number of objects provided to ray.wait.");
  const ready = await backend().wait(ids, numReturns, options.timeout);
  const out: [ObjectRef<T>[], ObjectRef<T>[]] = [[], []];
  refs.forEach((ref, i) => out[ready[i] ? 0 : 1].push(ref));
  return out;
}

export function put<T>(value: T): ObjectRef<T> {
  if (value instanceof ObjectRef) throw new TypeError("Calling 'put' on an ray.ObjectRef is not allowed. If you really want to do this, you can wrap the ray.ObjectRef in a list and call 'put' on it.");
  try {
    return backendOrInit().put(encode(value, "the value")) as ObjectRef<T>;
  } catch (error) {
    if (error instanceof CannotCopyError) throw new TypeError(`ray.put(): ${error.message}`);
    throw error;
  }
}

export function cancel(ref: ObjectRef, options: { force?: boolean } = {}): void {
  if (!(ref instanceof ObjectRef)) throw new TypeError(`ray.cancel() expects an ObjectRef, got ${describe(ref)}`);
  backend().cancel(ref.id, options.force ?? false);
}

export function clusterResources(): Record<string, number> {
  return backend().clusterResources();
}

export function availableResources(): Record<string, number> {
  return backend().availableResources();
}

export function nodes(): NodeInfo[] {
  return backend().nodes();
}

/** Chrome trace events of the most recent 100,000 tasks (older ones are dropped); written as JSON to `filename` when given. */
export function timeline(filename?: string): TraceEvent[] {
  const driver = driverBackend();
  if (!driver) throw new RayError("ray.init() has not been called (the timeline is only available in the driver)");
  const events = driver.trace();
  if (filename) writeFileSync(filename, JSON.stringify(events, null, 1));
  return events;
}
