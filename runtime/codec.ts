// Values on their way between the driver and workers. Encoding copies the value (so a task
// sees it as it was at submission), turns ObjectRefs into markers, puts large typed arrays
// and ArrayBuffers into shared memory (they then reach any worker without a copy), and
// refuses what cannot be copied, naming where it is, before anything is sent.
import { ObjectRef } from "./object-ref";

const REF_KEY = "__tsray_ref__";
const HANDLE_KEY = "__tsray_actor__";
/** An actor handle's own description (actor.ts): it travels as that, and is a handle again on arrival. */
export const ACTOR_HANDLE = Symbol.for("tsray.actorHandle");
/** Arrays from this size on live in shared memory. */
export const SHARED_THRESHOLD_BYTES = 64 * 1024;

export interface Encoded {
  value: unknown;
  /** Whether ObjectRef markers are inside (decoding can be skipped otherwise). */
  hasRefs: boolean;
}

export class CannotCopyError extends TypeError {
  constructor(readonly path: string, what: string) {
    super(`${path} ${what} cannot be copied to a worker`);
  }
}

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

export function encode(value: unknown, path: string): Encoded {
  // Most arguments are primitives: no traversal state to allocate.
  if (value === null || (typeof value !== "object" && typeof value !== "function" && typeof value !== "symbol")) return { value, hasRefs: false };
  const state = { hasRefs: false, seen: new Map<object, unknown>() };
  return { value: encodeValue(value, path, state), hasRefs: state.hasRefs };
}

function encodeValue(value: unknown, path: string, state: { hasRefs: boolean; seen: Map<object, unknown> }): unknown {
  switch (typeof value) {
    case "function":
      throw new CannotCopyError(path, "is a function: make it a top-level declaration, or a remote function, and it");
    case "symbol":
      throw new CannotCopyError(path, "is a symbol and");
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
  if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet) {
    throw new CannotCopyError(path, `is a ${value.constructor.name} and`);
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
  if (value instanceof Error) {
    const out = new (value.constructor as ErrorConstructor)(value.message);
    out.name = value.name;
    out.stack = value.stack;
    return out;
  }
  const out: Record<string, unknown> = {};
  state.seen.set(value, out);
  for (const key of Object.keys(value)) out[key] = encodeValue((value as Record<string, unknown>)[key], `${path}.${key}`, state);
  return out;
}

/** Turns ObjectRef markers back into ObjectRefs, copying the containers that hold them. */
export function decode(encoded: Encoded): unknown {
  return encoded.hasRefs ? revive(encoded.value, new Map()) : encoded.value;
}

function revive(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return value;
  if (value instanceof Set || value instanceof Date || value instanceof RegExp || value instanceof Error) return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (Object.prototype.hasOwnProperty.call(value, REF_KEY)) return new ObjectRef((value as Record<string, string>)[REF_KEY]);
  if (Object.prototype.hasOwnProperty.call(value, HANDLE_KEY)) {
    // Loaded only when a handle arrives (actor.ts itself encodes with this module).
    return (require("./actor") as typeof import("./actor")).handleFrom((value as Record<string, never>)[HANDLE_KEY]);
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
  for (const key of Object.keys(value)) out[key] = revive((value as Record<string, unknown>)[key], seen);
  return out;
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
  else if (!(value instanceof Date || value instanceof RegExp || value instanceof Error)) {
    for (const key of Object.keys(value)) collectRefIds((value as Record<string, unknown>)[key], ids, seen);
  }
}
