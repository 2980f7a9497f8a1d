// `ray.remote(fn)`: a RemoteFunction keeps fn's parameter types (each may also be given as
// an ObjectRef) and its `.remote()` returns refs to the awaited result.
import { isMainThread } from "node:worker_threads";
import { RayError } from "../core/errors";
import { CannotCopyError, encode, Encoded, SHIP } from "../core/codec";
import { ObjectRef } from "../core/object-ref";
import type { SubmitOptions } from "../core/task-options";
import type { Shipment, Shippable } from "../core/shipment";
import { backendOrInit } from "./session";
import { callerFile } from "./call-site";

export interface RemoteOptions {
  /** CPUs the task holds while it runs (default 1; a whole number, or a fraction below 1). */
  numCpus?: number;
  /** N > 1: `.remote()` returns N refs and the function returns N values (an array); 0: no ref (the task runs for its effects; its value is dropped, its error printed). */
  numReturns?: number;
  /** Retries after the worker running the task dies (default 3). */
  maxRetries?: number;
  /** Recycle the worker after it ran this many of these tasks (0: never). */
  maxCalls?: number;
  /** Custom resources the task needs, e.g. { GPU: 1 }. */
  resources?: Record<string, number>;
  /** The task's name, in errors, logs and the timeline (default: the function's name). */
  name?: string;
}

export type RemoteArgs<A extends unknown[]> = { [K in keyof A]: A[K] | ObjectRef<A[K]> };

/** Refs for numReturns > 1: one per element of the returned tuple. */
export type MultipleRefs<R> = R extends readonly unknown[] ? { [K in keyof R]: ObjectRef<R[K]> } : ObjectRef<unknown>[];

export type RefsFor<O, R> = O extends { numReturns: infer N } ? (N extends 1 ? ObjectRef<R> : N extends 0 ? undefined : MultipleRefs<R>) : ObjectRef<R>;

/**
 * Plans what a worker needs to run `fn` (shipping/ship.ts). Shipping is the driver's side:
 * loaded at the first `.remote()` of a function made here, so that a worker thread, which
 * is sent shipments, never loads it (nor the parser it uses).
 */
export function ship(fn: Function, definedIn: string | undefined): Shipment {
  // Kept: `require` resolves its path at each call, a cost on every submission.
  shipping ??= require("../shipping/ship") as typeof import("../shipping/ship");
  return shipping.ship(fn, definedIn);
}

let shipping: typeof import("../shipping/ship") | undefined;

/** A call's arguments encoded; one that cannot be copied is refused naming the call (`where`.remote()). */
export function encodeArgs(args: unknown[], where: string): Encoded[] {
  return args.map((arg, i) => {
    try {
      return encode(arg, `argument ${i + 1}`);
    } catch (error) {
      if (error instanceof CannotCopyError) throw new TypeError(`${where}.remote(): ${error.message}`);
      throw error;
    }
  });
}

const DEFAULTS: Required<Omit<RemoteOptions, "name" | "resources">> = { numCpus: 1, numReturns: 1, maxRetries: 3, maxCalls: 0 };

/** Ray's rule for a CPU quantity: a whole number, or a fraction below 1 to 0.0001 at most. */
export function checkNumCpus(numCpus: unknown): void {
  if (numCpus === undefined) return;
  if (!(typeof numCpus === "number" && Number.isFinite(numCpus) && numCpus >= 0)) throw new RangeError(`numCpus must be a number >= 0, got ${String(numCpus)}`);
  if (numCpus > 1 && !Number.isInteger(numCpus)) throw new RangeError(`CPU resource quantities >1 must be whole numbers. The specified quantity ${numCpus} is invalid.`);
  if (numCpus > 0 && Math.trunc(numCpus * 1e4) === 0) throw new RangeError("The precision of the fractional quantity of resource numCpus cannot go beyond 0.0001");
}

function checkOptions(options: RemoteOptions): void {
  const known = new Set(["numCpus", "numReturns", "maxRetries", "maxCalls", "resources", "name"]);
  for (const key of Object.keys(options)) if (!known.has(key)) throw new TypeError(`ray.remote: unknown option '${key}' (known: ${[...known].join(", ")})`);
  const { numCpus, numReturns, maxRetries, maxCalls } = options;
  checkNumCpus(numCpus);
  if (numReturns !== undefined && !(Number.isInteger(numReturns) && numReturns >= 0)) throw new RangeError(`numReturns must be an integer >= 0, got ${String(numReturns)}`);
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= -1)) throw new RangeError(`maxRetries must be an integer >= -1 (-1: forever), got ${String(maxRetries)}`);
  if (maxCalls !== undefined && !(Number.isInteger(maxCalls) && maxCalls >= 0)) throw new RangeError(`maxCalls must be an integer >= 0, got ${String(maxCalls)}`);
}

export class RemoteFunction<A extends unknown[] = unknown[], R = unknown, Out = ObjectRef<R>> implements Shippable {
  private readonly options_: RemoteOptions;
  private submitOptions_?: SubmitOptions;
  /** The file `ray.remote` was called from (call-site.ts). */
  private readonly definedIn?: string;

  /** `source`: the function (in the driver) or, in a worker, what the driver shipped. */
  constructor(private readonly source: Function | Shipment, options: RemoteOptions = {}) {
    checkOptions(options);
    this.options_ = { ...options };
    if (typeof source === "function" && isMainThread) this.definedIn = callerFile();
  }

  get name(): string {
    return this.options_.name || (typeof this.source === "function" ? this.source.name : this.source.fn.name) || "anonymous";
  }

  /** Submits a task now; returns its ref (or refs, with numReturns > 1; nothing, with 0) at once. */
  remote(...args: RemoteArgs<A>): Out {
    const backend = backendOrInit();
    const shipment = this.shipment(".remote()");
    const encoded = encodeArgs(args, this.name);
    const options = this.submitOptions();
    const refs = backend.submit(shipment, encoded, options);
    if (options.numReturns === 0) return undefined as Out;
    return (options.numReturns === 1 ? refs[0] : refs) as Out;
  }

  /** A copy with these options changed. */
  options<const O extends RemoteOptions>(options: O): RemoteFunction<A, R, RefsFor<O, R> extends ObjectRef<R> ? (O extends { numReturns: number } ? RefsFor<O, R> : Out) : RefsFor<O, R>> {
    return new RemoteFunction(this.source, { ...this.options_, ...options }) as never;
  }

  /** Computed once: options never change (`.options()` makes a new RemoteFunction). */
  private submitOptions(): SubmitOptions {
    if (!this.submitOptions_) {
      const o = { ...DEFAULTS, ...this.options_ };
      this.submitOptions_ = { numCpus: o.numCpus, numReturns: o.numReturns, maxRetries: o.maxRetries, maxCalls: o.maxCalls, resources: o.resources ?? {}, name: this.name };
    }
    return this.submitOptions_;
  }

  /** What a worker needs to run it; `use` says what the user did with it, for the refusal. */
  private shipment(use: string): Shipment {
    if (typeof this.source !== "function") return this.source;
    if (!isMainThread) {
      // Made by code run again in a worker: the driver does not know it (see shipping/ship.ts).
      throw new RayError(`${this.name}${use}: this remote function was created inside a task, where it cannot be submitted or sent; export it from its module (or declare it in a cell) so that tasks receive it from the driver`);
    }
    return ship(this.source, this.definedIn);
  }

  [SHIP](): { shipment: Shipment; options: unknown } {
    return { shipment: this.shipment(" (sent as a value)"), options: this.options_ };
  }

  toString(): string {
    return `RemoteFunction(${this.name})`;
  }
}

/** In a worker: the handle for a remote function the driver sent along. */
export function remoteFromShipment(shipment: Shipment, options: unknown): RemoteFunction {
  return new RemoteFunction(shipment, options as RemoteOptions);
}
