// Top-level classes that travel with shipped functions (shipping/ship.ts), by id: an instance of one
// (a task's result or argument, a thrown error) is rebuilt as an instance of that class on
// the other side of the channel, as Ray's serialization keeps a value's class.
//   - The driver gives the ids: to a cell's class when it ships it, to a module's class
//     declaration, whose class it finds in the module's exports or else among what the
//     shipped function closes over (at once or when first needed), and to the class of
//     any value it sends.
//   - A worker knows the classes shipped to it: their shipped code registers each.
// A class known on one side only travels as a plain object (or Error) with its own fields.
import { isMainThread } from "node:worker_threads";

const classes = new Map<number, Function>();
const lookups = new Map<number, () => unknown>();
const ids = new WeakMap<Function, number>();
const declarationIds = new WeakMap<object, number>();
let nextId = 0;

function remember(id: number, cls: Function): void {
  classes.set(id, cls);
  if (!ids.has(cls)) ids.set(cls, id);
}

/** In the driver: the id of a class it ships (given on first use). */
export function idOfClass(cls: Function): number {
  let id = ids.get(cls);
  if (id === undefined) remember((id = nextId++), cls);
  return id;
}

/**
 * In the driver: the id of a module's class declaration, shipped as source; `lookup` finds
 * the driver's class (a module's exports may not hold it yet while the module loads).
 */
export function idOfDeclaration(declaration: object, lookup: () => unknown): number {
  let id = declarationIds.get(declaration);
  if (id !== undefined) return id;
  const found = lookup();
  if (typeof found === "function") id = idOfClass(found);
  else lookups.set((id = nextId++), lookup);
  declarationIds.set(declaration, id);
  return id;
}

/** In a worker: called by shipped code for each class it defines. */
export function registerShippedClass(id: number, cls: Function): void {
  classes.set(id, cls);
  ids.set(cls, id);
}

const nativeClasses = new WeakSet<Function>();

/** URL, Map...: their state is not in fields, so an instance rebuilt from its fields would be broken. */
function isNative(cls: Function): boolean {
  if (nativeClasses.has(cls)) return true;
  if (!/\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(cls))) return false;
  nativeClasses.add(cls);
  return true;
}

/**
 * The id a value's class travels under (its exact class: not a base class). The driver
 * gives one to any class written in JavaScript, so that a value it puts and gets back
 * keeps its class; a worker, which gives none, knows only the classes shipped to it.
 */
export function classIdOf(value: object): number | undefined {
  const prototype = Object.getPrototypeOf(value) as { constructor?: unknown } | null;
  const ctor = prototype?.constructor;
  if (typeof ctor !== "function" || ctor.prototype !== prototype || ctor === Object) return undefined;
  const id = ids.get(ctor);
  if (id !== undefined || !isMainThread || isNative(ctor)) return id;
  return idOfClass(ctor);
}

export function classOf(id: number): Function | undefined {
  const known = classes.get(id);
  if (known) return known;
  const found = lookups.get(id)?.();
  if (typeof found !== "function") return undefined;
  lookups.delete(id);
  remember(id, found);
  return found;
}
