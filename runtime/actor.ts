// `ray.remote(class)`: an ActorClass. `A.remote(...ctorArgs)` queues the actor's creation
// and returns its handle at once; `h.method.remote(...args)` queues a call and returns its
// ref. A handle is data: it can be passed to tasks and other actors (codec.ts), which then
// call the same actor. Per-method options (numReturns) go through `h.method.options({...})`,
// as Ray's `actor.method.options(num_returns=...)`.
import { inspect } from "node:util";
import { isMainThread } from "node:worker_threads";
import { currentBackend } from "./backend";
import { ACTOR_HANDLE, CannotCopyError, encode, Encoded } from "./codec";
import { ensureDriver } from "./driver-access";
import { RayError } from "./errors";
import { randomHex } from "./ids";
import type { ObjectRef } from "./object-ref";
import { TERMINATE } from "./protocol";
import type { RefsFor, RemoteArgs } from "./remote-function";
import { ship } from "./shipping/ship";

export interface ActorOptions {
  /** CPUs the actor holds while it is alive (default 1). */
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
    const backend = currentBackend() ?? ensureDriver();
    const refs = backend.callActor(this.actor.id, this.method, encodeArgs(args, `${this.actor.name}.${this.method}`), this.numReturns);
    return (this.numReturns === 1 ? refs[0] : refs) as Out;
  }

  options<O extends MethodOptions>(options: O): ActorMethod<A, R, RefsFor<O, R>> {
    const numReturns = options.numReturns ?? this.numReturns;
    if (!(Number.isInteger(numReturns) && numReturns >= 1)) throw new RangeError(`numReturns must be an integer >= 1, got ${String(numReturns)}`);
    return new ActorMethod(this.actor, this.method, numReturns);
  }
}

/** The part of a handle that is not its methods. */
export class ActorHandleCore {
  declare readonly [ACTOR_HANDLE]: HandleDescriptor;

  constructor(descriptor: HandleDescriptor) {
    Object.defineProperty(this, ACTOR_HANDLE, { value: descriptor });
    for (const method of [...descriptor.methods, TERMINATE]) {
      if (method in ActorHandleCore.prototype) continue; // toString and the like stay the handle's
      Object.defineProperty(this, method, { value: new ActorMethod(descriptor, method), enumerable: false });
    }
  }

  get actorId(): string {
    return this[ACTOR_HANDLE].id;
  }

  toString(): string {
    return `Actor(${this[ACTOR_HANDLE].name}, ${this[ACTOR_HANDLE].id})`;
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

function encodeArgs(args: unknown[], where: string): Encoded[] {
  return args.map((arg, i) => {
    try {
      return encode(arg, `argument ${i + 1}`);
    } catch (error) {
      if (error instanceof CannotCopyError) throw new TypeError(`${where}.remote(): ${error.message}`);
      throw error;
    }
  });
}

function checkOptions(options: ActorOptions): void {
  const known = new Set(["numCpus", "resources", "name"]);
  for (const key of Object.keys(options)) if (!known.has(key)) throw new TypeError(`ray.remote(class): unknown option '${key}' (known: ${[...known].join(", ")})`);
  if (options.numCpus !== undefined && !(typeof options.numCpus === "number" && options.numCpus >= 0)) throw new RangeError(`numCpus must be a number >= 0, got ${String(options.numCpus)}`);
}

export class ActorClass<C extends Constructor = Constructor> {
  private readonly methods: string[];

  constructor(private readonly cls: C, private readonly options_: ActorOptions = {}) {
    checkOptions(options_);
    this.methods = methodNames(cls);
  }

  /** `class extends Game {}` has no name of its own: it goes by its base's. */
  get name(): string {
    return this.options_.name || this.cls.name || Object.getPrototypeOf(this.cls)?.name || "Actor";
  }

  /** Queues the actor's creation (it waits for its CPUs in the task queue); its handle at once. */
  remote(...args: RemoteArgs<ConstructorParameters<C>>): ActorHandle<InstanceType<C>> {
    if (!isMainThread) throw new RayError(`${this.name}.remote(): actors are created in the driver (a cell or the main program), not inside a task`);
    const backend = currentBackend() ?? ensureDriver();
    const shipment = ship(this.cls);
    const encoded = encodeArgs(args, this.name);
    const descriptor: HandleDescriptor = { id: randomHex(16), name: this.name, methods: this.methods };
    const { numCpus = 1, resources = {} } = this.options_;
    backend.createActor(descriptor.id, shipment, encoded, { numCpus, numReturns: 1, maxRetries: 0, maxCalls: 0, resources, name: this.name });
    return new ActorHandleCore(descriptor) as ActorHandle<InstanceType<C>>;
  }

  /** A copy with these options changed. */
  options(options: ActorOptions): ActorClass<C> {
    return new ActorClass(this.cls, { ...this.options_, ...options });
  }

  toString(): string {
    return `ActorClass(${this.name})`;
  }
}

/** Whether `fn` is a class (so `ray.remote(fn)` makes an actor class). */
export function isClass(fn: Function): boolean {
  return /^class\b/.test(Function.prototype.toString.call(fn));
}
