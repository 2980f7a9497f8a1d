// `ray.remote(class)`: an ActorClass. `A.remote(...ctorArgs)` queues the actor's creation
// and returns its handle at once; `h.method.remote(...args)` queues a call and returns its
// ref. A handle is data: it can be passed to tasks and other actors (core/codec.ts), which then
// call the same actor. Per-method options (numReturns) go through `h.method.options({...})`,
// as Ray's `actor.method.options(num_returns=...)`. An actor class travels to tasks as a
// remote function does, and a task may create actors with it (as in Ray).
// The driver is told of each handle made in its thread and of each one encoded, to end an
// actor no handle is left of (local/actors.ts).
import { inspect } from "node:util";
import { isMainThread } from "node:worker_threads";
import { ACTOR_HANDLE, SHIP } from "../core/codec";
import { setShippedKinds } from "../core/shipped-kinds";
import { backendOrInit } from "./session";
import { callerFile } from "./call-site";
import { RayError } from "../core/errors";
import { randomHex } from "../core/ids";
import type { ObjectRef } from "../core/object-ref";
import { TERMINATE } from "../core/task-options";
import { checkNumCpus, encodeArgs, RefsFor, RemoteArgs, RemoteFunction, remoteFromShipment, ship } from "./remote-function";
import type { Shipment, Shippable } from "../core/shipment";

export interface ActorOptions {
  /** CPUs the actor holds while it is alive (default: none held, but 1 free needed to place it, as Ray). */
  numCpus?: number;
  /** Custom resources it holds while alive. */
  resources?: Record<string, number>;
  /** Its name in printed handles, errors and the timeline (default: the class's). */
  name?: string;
}

export interface MethodOptions {
  /** N > 1: `.remote()` returns N refs and the method returns N values (an array). */
  numReturns?: number;
}

/** What a handle is made of; all that travels when it is passed along. */
export interface HandleDescriptor {
  id: string;
  name: string;
  methods: string[];
}

export class ActorMethod<A extends unknown[] = unknown[], R = unknown, Out = ObjectRef<R>> {
  constructor(private readonly actor: HandleDescriptor, private readonly method: string, private readonly numReturns = 1) {}

  /** Queues the call (after every call already made through any handle of this actor from here). */
  remote(...args: RemoteArgs<A>): Out {
    const backend = backendOrInit();
    const refs = backend.callActor(this.actor.id, this.method, encodeArgs(args, `${this.actor.name}.${this.method}`), this.numReturns);
    return (this.numReturns === 1 ? refs[0] : refs) as Out;
  }

  options<O extends MethodOptions>(options: O): ActorMethod<A, R, RefsFor<O, R>> {
    const numReturns = options.numReturns ?? this.numReturns;
    if (!(Number.isInteger(numReturns) && numReturns >= 1)) throw new RangeError(`numReturns must be an integer >= 1, got ${String(numReturns)}`);
    return new ActorMethod(this.actor, this.method, numReturns);
  }
}

/** What the driver is told of its thread's handles, to end an actor none is left of (local/actors.ts). */
export interface HandleHooks {
  made(handle: ActorHandleCore, actorId: string): void;
  /** Encoded (sent to a task or actor, put, captured by a shipped function): it lives on out of sight. */
  escaped(actorId: string): void;
}

/** Unset in workers, which count nothing. */
let handleHooks: HandleHooks | undefined;

export function trackActorHandles(hooks: HandleHooks | undefined): void {
  handleHooks = hooks;
}

/** The handle's own way to its descriptor: reading ACTOR_HANDLE is what encoding it does. */
const DESCRIPTOR = Symbol("descriptor");

/** The part of a handle that is not its methods. */
export class ActorHandleCore {
  declare readonly [ACTOR_HANDLE]: HandleDescriptor;
  declare private readonly [DESCRIPTOR]: HandleDescriptor;

  constructor(descriptor: HandleDescriptor) {
    Object.defineProperty(this, DESCRIPTOR, { value: descriptor });
    Object.defineProperty(this, ACTOR_HANDLE, {
      get: () => {
        handleHooks?.escaped(descriptor.id);
        return descriptor;
      },
    });
    handleHooks?.made(this, descriptor.id);
    for (const method of [...descriptor.methods, TERMINATE]) {
      if (method in ActorHandleCore.prototype) continue; // toString and the like stay the handle's
      Object.defineProperty(this, method, { value: new ActorMethod(descriptor, method), enumerable: false });
    }
  }

  get actorId(): string {
    return this[DESCRIPTOR].id;
  }

  toString(): string {
    return `Actor(${this[DESCRIPTOR].name}, ${this[DESCRIPTOR].id})`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

type Method = (...args: any[]) => any;

/** Every method of T (own, inherited, async), with its parameters and awaited result. */
export type ActorMethods<T> = {
  [K in keyof T as T[K] extends Method ? (K extends string ? K : never) : never]: T[K] extends (...args: infer A) => infer R ? ActorMethod<A, Awaited<R>> : never;
};

export type ActorHandle<T = unknown> = ActorHandleCore & ActorMethods<T> & { [TERMINATE]: ActorMethod<[], null> };

export function handleFrom(descriptor: HandleDescriptor): ActorHandleCore {
  return new ActorHandleCore(descriptor);
}

export function isActorHandle(value: unknown): value is ActorHandleCore {
  return value instanceof ActorHandleCore;
}

type Constructor = abstract new (...args: any[]) => any;

/** Function-valued properties of the prototype chain: what `h.<name>` offers. */
function methodNames(cls: Function): string[] {
  const names = new Set<string>();
  for (let proto = cls.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== "constructor" && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === "function") names.add(name);
    }
  }
  return [...names];
}

function checkOptions(options: ActorOptions): void {
  const known = new Set(["numCpus", "resources", "name"]);
  for (const key of Object.keys(options)) if (!known.has(key)) throw new TypeError(`ray.remote(class): unknown option '${key}' (known: ${[...known].join(", ")})`);
  checkNumCpus(options.numCpus);
}

/** An actor class as a task receives it: what the driver shipped, and what it knew of the class. */
interface ShippedClass {
  shipment: Shipment;
  name: string;
  methods: string[];
}

/** The `options` of an actor class in shipped data (shipping/ship.ts), which tell it from a remote function's. */
interface ShippedClassOptions {
  actorClass: { name: string; methods: string[]; options: ActorOptions };
}

export class ActorClass<C extends Constructor = Constructor> implements Shippable {
  private readonly methods: string[];
  /** The file `ray.remote` was called from (call-site.ts). */
  private readonly definedIn?: string;

  /** `source`: the class (in the driver) or, in a worker, what the driver shipped. */
  constructor(private readonly source: C | ShippedClass, private readonly options_: ActorOptions = {}) {
    checkOptions(options_);
    this.methods = typeof source === "function" ? methodNames(source) : source.methods;
    if (typeof source === "function" && isMainThread) this.definedIn = callerFile();
  }

  /** `class extends Game {}` has no name of its own: it goes by its base's. */
  get name(): string {
    if (typeof this.source !== "function") return this.options_.name || this.source.name;
    return this.options_.name || this.source.name || Object.getPrototypeOf(this.source)?.name || "Actor";
  }

  /** Queues the actor's creation (it waits for its CPUs in the task queue); its handle at once. */
  remote(...args: RemoteArgs<ConstructorParameters<C>>): ActorHandle<InstanceType<C>> {
    if (!isMainThread && typeof this.source === "function") {
      // Made by code run again in a worker: the driver does not know it (see shipping/ship.ts).
      throw new RayError(`${this.name}.remote(): this actor class was made inside a task, where it cannot be created; declare it at the top level of a cell (or export it from its module) so that tasks receive it from the driver`);
    }
    const backend = backendOrInit();
    const shipment = typeof this.source === "function" ? ship(this.source, this.definedIn) : this.source.shipment;
    const encoded = encodeArgs(args, this.name);
    const descriptor: HandleDescriptor = { id: randomHex(16), name: this.name, methods: this.methods };
    const { numCpus, resources = {} } = this.options_;
    // Ray's rule: a default actor needs 1 CPU to be placed and holds none; an explicit numCpus is held.
    const cpus = numCpus === undefined ? { numCpus: 0, placementCpus: 1 } : { numCpus };
    backend.createActor(descriptor.id, shipment, encoded, { ...cpus, numReturns: 1, maxRetries: 0, maxCalls: 0, resources, name: this.name });
    return new ActorHandleCore(descriptor) as ActorHandle<InstanceType<C>>;
  }

  /** A copy with these options changed. */
  options(options: ActorOptions): ActorClass<C> {
    return new ActorClass(this.source, { ...this.options_, ...options });
  }

  [SHIP](): { shipment: Shipment; options: ShippedClassOptions } {
    const shipment = typeof this.source === "function" ? ship(this.source, this.definedIn) : this.source.shipment;
    return { shipment, options: { actorClass: { name: this.name, methods: this.methods, options: this.options_ } } };
  }

  toString(): string {
    return `ActorClass(${this.name})`;
  }
}

/** Where a shipped remote function or actor class arrives (a task's data, or a value): the one it was. */
export function shippableFromShipment(shipment: Shipment, options: unknown): ActorClass | RemoteFunction {
  const shipped = (options as Partial<ShippedClassOptions> | undefined)?.actorClass;
  if (!shipped) return remoteFromShipment(shipment, options);
  return new ActorClass({ shipment, name: shipped.name, methods: shipped.methods }, shipped.options);
}

/** Whether `fn` is a class (so `ray.remote(fn)` makes an actor class). */
export function isClass(fn: Function): boolean {
  return /^class\b/.test(Function.prototype.toString.call(fn));
}

// What arrives encoded in a value (core/codec.ts) is rebuilt here.
setShippedKinds({ shippable: shippableFromShipment, handle: handleFrom });
