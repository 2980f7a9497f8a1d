// Values on their way between the driver and workers. Encoding copies the value (so a task
// sees it as it was at submission), turns ObjectRefs into markers, puts large typed arrays
// and ArrayBuffers into shared memory (they then reach any worker without a copy), and
// refuses what cannot be copied, naming where it is, before anything is sent. Instances of
// shipped classes (core/classes.ts) and errors travel as markers too, and are rebuilt
// with their class and own fields; remote functions and actor handles travel as their
// descriptions, and are handles again on arrival.
import { BUILTIN_ERRORS, builtinErrorName } from "./builtin-errors";
import { ObjectRef } from "./object-ref";
import { classIdOf, classOf } from "./classes";
import { rebuildHandle, rebuildShippable } from "./shipped-kinds";

const REF_KEY = "__tsray_ref__";
const HANDLE_KEY = "__tsray_actor__";
const INSTANCE_KEY = "__tsray_instance__";
const ERROR_KEY = "__tsray_error__";
const REMOTE_KEY = "__tsray_remote__";
/** A remote function's description (its shipment and options: shipping/ship.ts): it travels as that, and is a remote function again on arrival. */
export const SHIP = Symbol.for("tsray.ship");
/** An actor handle's own description (api/actor.ts): it travels as that, and is a handle again on arrival. */
export const ACTOR_HANDLE = Symbol.for("tsray.actorHandle");
/** Arrays from this size on live in shared memory. */
export const SHARED_THRESHOLD_BYTES = 64 * 1024;

export interface Encoded {
  value: unknown;
  /** Whether ObjectRef markers are inside (decoding can be skipped otherwise). */
  hasRefs: boolean;
  /** Whether instance or error markers are inside (decoding rebuilds them). */
  hasInstances?: boolean;
}

/** An error as it travels: its class (if shipped), built-in base, what Error itself holds, and its own fields. */
interface ErrorMarker {
  cls?: number;
  builtin: string;
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
  cause?: unknown;
}

interface EncodeState {
  hasRefs: boolean;
  hasInstances: boolean;
  seen: Map<object, unknown>;
  /** Leave out the fields that cannot be copied instead of refusing the value (for a thrown error). */
  skipUncopyable: boolean;
}

/** Says what cannot be copied, where it is (`path`: "argument 1.onDone", "the value", "the task's result"), and what to send instead. */
export class CannotCopyError extends TypeError {
  constructor(readonly path: string, what: string, instead: string) {
    super(`${path} is ${what}, which cannot be copied: ${instead}`);
  }
}

const FUNCTION_INSTEAD =
  "tsray sends data, not closures; send a remote function (ray.remote(fn)) in its place, or make the function a top-level declaration that the task calls by name";

type TypedArray = Exclude<NodeJS.TypedArray, DataView>;

function shareTypedArray(array: TypedArray): TypedArray {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const Ctor = array.constructor as new (buffer: SharedArrayBuffer) => TypedArray;
  const shared = new Ctor(new SharedArrayBuffer(array.byteLength));
  shared.set(array as never);
  return shared;
}

function copyBuffer(buffer: ArrayBuffer): ArrayBuffer | SharedArrayBuffer {
  if (buffer.byteLength < SHARED_THRESHOLD_BYTES) return buffer.slice(0);
  const shared = new SharedArrayBuffer(buffer.byteLength);
  new Uint8Array(shared).set(new Uint8Array(buffer));
  return shared;
}

export function encode(value: unknown, path: string, options: { skipUncopyable?: boolean } = {}): Encoded {
  // Most arguments are primitives: no traversal state to allocate.
  if (value === null || (typeof value !== "object" && typeof value !== "function" && typeof value !== "symbol")) return { value, hasRefs: false };
  const state: EncodeState = { hasRefs: false, hasInstances: false, seen: new Map(), skipUncopyable: options.skipUncopyable ?? false };
  const out = encodeValue(value, path, state);
  return state.hasInstances ? { value: out, hasRefs: state.hasRefs, hasInstances: true } : { value: out, hasRefs: state.hasRefs };
}

function encodeValue(value: unknown, path: string, state: EncodeState): unknown {
  switch (typeof value) {
    case "function":
      throw new CannotCopyError(path, "a function", FUNCTION_INSTEAD);
    case "symbol":
      throw new CannotCopyError(path, "a symbol", "send a string instead");
    case "object":
      break;
    default:
      return value;
  }
  if (value === null) return value;
  const seen = state.seen.get(value);
  if (seen !== undefined) return seen;
  if (value instanceof ObjectRef) {
    state.hasRefs = true;
    return { [REF_KEY]: value.id };
  }
  if (SHIP in value) {
    // Its data may hold refs (collectRefIds finds them) and is decoded by the task that runs it.
    state.hasRefs = true;
    return { [REMOTE_KEY]: (value as { [SHIP](): unknown })[SHIP]() };
  }
  if (ACTOR_HANDLE in value) {
    state.hasRefs = true;
    return { [HANDLE_KEY]: (value as Record<symbol, unknown>)[ACTOR_HANDLE] };
  }
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) return new DataView(copyBuffer(value.buffer as ArrayBuffer), value.byteOffset, value.byteLength);
    const array = value as TypedArray;
    return array.byteLength >= SHARED_THRESHOLD_BYTES ? shareTypedArray(array) : array.slice();
  }
  if (value instanceof ArrayBuffer) return copyBuffer(value);
  if (value instanceof SharedArrayBuffer || value instanceof Date || value instanceof RegExp) return value;
  if (value instanceof Promise) throw new CannotCopyError(path, "a Promise", "await it, and send its value");
  if (value instanceof WeakMap || value instanceof WeakSet) {
    throw new CannotCopyError(path, `a ${value.constructor.name}`, `send a ${value instanceof WeakMap ? "Map" : "Set"} instead`);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    state.seen.set(value, out);
    for (let i = 0; i < value.length; i++) out[i] = encodeValue(value[i], `${path}[${i}]`, state);
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    state.seen.set(value, out);
    let i = 0;
    for (const [k, v] of value) {
      out.set(encodeValue(k, `${path} key ${i}`, state), encodeValue(v, `${path}.get(${String(k)})`, state));
      i++;
    }
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    state.seen.set(value, out);
    for (const v of value) out.add(encodeValue(v, `${path} element`, state));
    return out;
  }
  if (value instanceof Error) return encodeError(value, path, state);
  const fields: Record<string, unknown> = {};
  const cls = classIdOf(value);
  const out = cls === undefined ? fields : { [INSTANCE_KEY]: cls, fields };
  if (cls !== undefined) state.hasInstances = true;
  state.seen.set(value, out);
  copyFields(value, fields, path, state);
  return out;
}

/** What encodeOrSkip gives for a value left out. */
const UNCOPYABLE = Symbol("uncopyable");

function copyFields(value: object, into: Record<string, unknown>, path: string, state: EncodeState): void {
  for (const key of Object.keys(value)) {
    const copy = encodeOrSkip((value as Record<string, unknown>)[key], `${path}.${key}`, state);
    if (copy !== UNCOPYABLE) into[key] = copy;
  }
}

function encodeOrSkip(value: unknown, path: string, state: EncodeState): unknown {
  if (!state.skipUncopyable) return encodeValue(value, path, state);
  try {
    return encodeValue(value, path, state);
  } catch (error) {
    if (error instanceof CannotCopyError) return UNCOPYABLE;
    throw error;
  }
}

function encodeError(error: Error, path: string, state: EncodeState): unknown {
  const marker: ErrorMarker = { cls: classIdOf(error), builtin: builtinErrorName(error) ?? "Error", name: error.name, message: error.message, stack: error.stack, fields: {} };
  const out = { [ERROR_KEY]: marker };
  state.hasInstances = true;
  state.seen.set(error, out);
  copyFields(error, marker.fields, path, state);
  if ("cause" in error) {
    const cause = encodeOrSkip(error.cause, `${path}.cause`, state);
    if (cause !== UNCOPYABLE) marker.cause = cause;
  }
  return out;
}

/** Turns ObjectRef markers back into ObjectRefs, and instance and error markers into instances, copying the containers that hold them. */
export function decode(encoded: Encoded): unknown {
  return encoded.hasRefs || encoded.hasInstances ? revive(encoded.value, new Map()) : encoded.value;
}

function revive(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return value;
  if (value instanceof Set || value instanceof Date || value instanceof RegExp) return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (Object.prototype.hasOwnProperty.call(value, REF_KEY)) return new ObjectRef((value as Record<string, string>)[REF_KEY]);
  if (Object.prototype.hasOwnProperty.call(value, ERROR_KEY)) return reviveError(value, (value as Record<string, ErrorMarker>)[ERROR_KEY], seen);
  if (Object.prototype.hasOwnProperty.call(value, INSTANCE_KEY)) {
    const { [INSTANCE_KEY]: id, fields } = value as { [INSTANCE_KEY]: number; fields: Record<string, unknown> };
    const cls = classOf(id);
    const out = cls ? Object.create(cls.prototype as object) : {};
    seen.set(value, out);
    return reviveFields(fields, out, seen);
  }
  if (Object.prototype.hasOwnProperty.call(value, REMOTE_KEY)) {
    const { shipment, options } = (value as Record<string, { shipment: never; options: unknown }>)[REMOTE_KEY];
    // A remote function or an actor class.
    return rebuildShippable(shipment, options);
  }
  if (Object.prototype.hasOwnProperty.call(value, HANDLE_KEY)) {
    return rebuildHandle((value as Record<string, never>)[HANDLE_KEY]);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(revive(item, seen));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    seen.set(value, out);
    for (const [k, v] of value) out.set(k, revive(v, seen));
    return out;
  }
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  return reviveFields(value as Record<string, unknown>, out, seen);
}

function reviveFields(fields: Record<string, unknown>, into: Record<string, unknown>, seen: Map<object, unknown>): Record<string, unknown> {
  for (const key of Object.keys(fields)) into[key] = revive(fields[key], seen);
  return into;
}

/** A real error (its class's constructor not run again): of its class if known here, else of its built-in base. */
function reviveError(value: object, marker: ErrorMarker, seen: Map<object, unknown>): Error {
  const base = BUILTIN_ERRORS[marker.builtin] ?? Error;
  const cls = marker.cls === undefined ? undefined : classOf(marker.cls);
  const error = Reflect.construct(base, [marker.message], cls ?? base) as Error;
  seen.set(value, error);
  reviveFields(marker.fields, error as unknown as Record<string, unknown>, seen);
  const hidden = (key: string, v: unknown) => Object.defineProperty(error, key, { value: v, writable: true, configurable: true });
  hidden("stack", marker.stack);
  if (error.name !== marker.name) hidden("name", marker.name);
  if ("cause" in marker) hidden("cause", revive(marker.cause, seen));
  return error;
}

/** The id of a top-level ObjectRef argument (the task waits for it and receives its value). */
export function refIdOf(encoded: Encoded): string | undefined {
  const value = encoded.value;
  if (!encoded.hasRefs || typeof value !== "object" || value === null) return undefined;
  return Object.prototype.hasOwnProperty.call(value, REF_KEY) ? (value as Record<string, string>)[REF_KEY] : undefined;
}

/** The ids of every ObjectRef marker in the value, the top-level one included. */
export function refIdsIn(encoded: Encoded): string[] {
  const ids: string[] = [];
  if (encoded.hasRefs) collectRefIds(encoded.value, ids, new Set());
  return ids;
}

function collectRefIds(value: unknown, ids: string[], seen: Set<object>): void {
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value) || seen.has(value)) return;
  seen.add(value);
  if (Object.prototype.hasOwnProperty.call(value, REF_KEY)) {
    ids.push((value as Record<string, string>)[REF_KEY]);
    return;
  }
  // Map keys and Set elements too: encode turns refs there into markers as well.
  if (Array.isArray(value) || value instanceof Set) for (const item of value) collectRefIds(item, ids, seen);
  else if (value instanceof Map) for (const [k, v] of value) (collectRefIds(k, ids, seen), collectRefIds(v, ids, seen));
  else if (!(value instanceof Date || value instanceof RegExp)) {
    for (const key of Object.keys(value)) collectRefIds((value as Record<string, unknown>)[key], ids, seen);
  }
}
