// ray.exceptions (API.md section 4). A RayTaskError is also an instance of the built-in
// class of the error the task threw (TypeError, RangeError...), as Ray's dual-class
// RayTaskError(ZeroDivisionError) is. Its cause is what the task threw, rebuilt with its
// class when the driver knows it (codec.ts). A task that re-throws the error of a task it
// waited for fails with that same innermost error, the tasks it passed through named in
// the message, as Ray's chained RayTaskError does.
import { BUILTIN_ERRORS } from "./builtin-errors";
import { decode, Encoded } from "./codec";

/**
 * Each class's mark, on its prototype: `instanceof` holds for an instance made by another
 * copy of this module (another realm, or this file loaded twice), as it does for Ray's
 * classes, which are the same wherever they are imported.
 */
const brandOf = (cls: Function) => Symbol.for(`tsray.${cls.name}`);

function brand(cls: Function): void {
  Object.defineProperty(cls.prototype, brandOf(cls), { value: true });
}

export class RayError extends Error {
  /** `this` is the class on the right of `instanceof`: each class matches its own instances and its subclasses'. */
  static [Symbol.hasInstance](this: Function, value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brandOf(this)] === true;
  }
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class GetTimeoutError extends RayError {
  constructor(message = "Get timed out: some object(s) not ready.") {
    super(message);
  }
}

export class TaskCancelledError extends RayError {
  constructor(task: string) {
    super(`Task ${task} was cancelled.`);
  }
}

export class RayActorError extends RayError {}

export class WorkerCrashedError extends RayError {
  constructor(detail: string) {
    super(`The worker died unexpectedly while executing this task: ${detail}`);
  }
}

/** A worker ran out of memory while running the task (Ray's memory monitor kills it so). */
export class OutOfMemoryError extends RayError {}

for (const cls of [RayError, GetTimeoutError, TaskCancelledError, RayActorError, WorkerCrashedError, OutOfMemoryError]) brand(cls);

/** What a worker reports of the error a task threw. */
export interface ThrownInfo {
  name: string;
  message: string;
  stack: string;
  /** The name of the built-in Error class it is an instance of, if any. */
  builtin?: string;
  /** The thrown value itself, with the own fields that could be copied (none if it could not be). */
  thrown?: Encoded;
  /** A task error re-thrown: the tasks it failed in, innermost first. */
  via?: { task: string; where: string }[];
}

/** Where a task error keeps what it was made from, so that a task re-throwing it passes on the innermost error. */
const ORIGIN = Symbol.for("tsray.taskErrorOrigin");

export interface RayTaskError extends Error {
  /** `ray::name()`. */
  readonly task: string;
  /** What the task threw: an Error most often, but a task may throw any value. */
  readonly cause: unknown;
}

/** The class of `ray.exceptions.RayTaskError`: instanceof matches every task error, whatever its built-in base. */
export const RayTaskError = class RayTaskError extends RayError {} as unknown as { new (message: string): RayTaskError; prototype: RayTaskError };
brand(RayTaskError);

const taskErrorClasses = new Map<string, new (message: string, options: { cause: unknown }) => Error>();

/** One class per built-in base, so that `instanceof TypeError` holds for a task's TypeError. */
function taskErrorClass(builtin: string | undefined) {
  const key = builtin ?? "";
  let cls = taskErrorClasses.get(key);
  if (!cls) {
    const Base = (builtin && builtin !== "Error" ? BUILTIN_ERRORS[builtin] : RayError) as new (message: string, options: { cause: unknown }) => Error;
    cls = class extends Base {};
    // A task error on a built-in base is a RayError and a RayTaskError by their marks only.
    for (const marked of [RayError, RayTaskError]) Object.defineProperty(cls.prototype, brandOf(marked), { value: true });
    taskErrorClasses.set(key, cls);
  }
  return cls;
}

const dualPrototypes = new WeakMap<object, object>();

/**
 * For an error of the user's own class (QuotaError): a prototype under that class's, marked
 * as a task error, so that the task error is a QuotaError too, with its methods (Ray's dual
 * class `RayTaskError(QuotaError)`). The class's constructor is never run again.
 */
function dualPrototype(classPrototype: object): object {
  let dual = dualPrototypes.get(classPrototype);
  if (!dual) {
    dual = Object.create(classPrototype) as object;
    for (const marked of [RayError, RayTaskError]) Object.defineProperty(dual, brandOf(marked), { value: true });
    dualPrototypes.set(classPrototype, dual);
  }
  return dual;
}

const builtinPrototypes = new Set<object>(Object.values(BUILTIN_ERRORS).map((cls) => cls.prototype));

/** An error of a class the user wrote (not a built-in one): the task error takes that class. */
function isOfUserClass(cause: unknown): cause is Error {
  return cause instanceof Error && !builtinPrototypes.has(Object.getPrototypeOf(cause) as object);
}

/** `class QuotaError extends RangeError {}` that keeps its base's `name` goes by its class's name, as in Ray. */
function nameOfUserError(cause: Error, info: ThrownInfo): string {
  return info.name === info.builtin && cause.constructor.name ? cause.constructor.name : info.name;
}

/** A task error that is an instance of the cause's own class too, with its fields (`code`, `limit`). */
function asTaskErrorOfClass(cause: Error, message: string): Error {
  const error = Object.create(dualPrototype(Object.getPrototypeOf(cause) as object)) as Error;
  Object.assign(error, cause);
  for (const [key, value] of [["message", message], ["cause", cause]] as const) {
    Object.defineProperty(error, key, { value, writable: true, configurable: true, enumerable: false });
  }
  return error;
}

/**
 * What the task threw, rebuilt in the driver: an error of its class (or built-in base) with
 * its fields and the worker's stack, as mapped to the user's lines; any other value as thrown.
 */
function rebuildCause(info: ThrownInfo): unknown {
  const cause = info.thrown ? decode(info.thrown) : new (BUILTIN_ERRORS[info.builtin ?? "Error"] ?? Error)(info.message);
  if (!(cause instanceof Error)) return cause;
  if (cause.name !== info.name) Object.defineProperty(cause, "name", { value: info.name, writable: true, configurable: true });
  Object.defineProperty(cause, "stack", { value: info.stack, writable: true, configurable: true });
  return cause;
}

export function makeTaskError(task: string, info: ThrownInfo, where: string): RayTaskError {
  return taskErrorOf({ ...info, via: [...(info.via ?? []), { task, where }] });
}

/** The task error `info` describes: the one its innermost task threw, failed in the tasks of `info.via`. */
function taskErrorOf(info: ThrownInfo & { via: { task: string; where: string }[] }): RayTaskError {
  const cause = rebuildCause(info);
  const tasks = info.via.map(({ task, where }) => `${task} (${where})`).reverse();
  const userClass = isOfUserClass(cause);
  const name = userClass ? nameOfUserError(cause, info) : info.name;
  const message = `${tasks.join("\n  re-threw the error of ")}\n${name}: ${info.message}`;
  const error = (userClass ? asTaskErrorOfClass(cause, message) : new (taskErrorClass(info.builtin))(message, { cause })) as RayTaskError;
  error.name = `RayTaskError(${name})`;
  Object.defineProperty(error, "task", { value: info.via[info.via.length - 1].task, enumerable: false });
  Object.defineProperty(error, ORIGIN, { value: info, enumerable: false });
  // The traceback shown is the worker's: where the user's code threw.
  const frames = info.stack.split("\n").filter((line) => /^\s+at /.test(line));
  error.stack = `${error.name}: ${error.message}\n${frames.join("\n")}`;
  return error;
}

/** What a task error was made from (the innermost error, the tasks it passed through), if `error` is one. */
export function taskErrorOrigin(error: unknown): ThrownInfo | undefined {
  return typeof error === "object" && error !== null ? ((error as Record<symbol, ThrownInfo | undefined>)[ORIGIN]) : undefined;
}

/** An error the driver sends to a task (a failed `get`), as it travels. */
export function errorToSend(error: Error): ThrownInfo {
  return taskErrorOrigin(error) ?? { name: error.name, message: error.message, stack: error.stack ?? "" };
}

/** In a task: the error the driver sent, a task error again if it was one. */
export function errorReceived(info: ThrownInfo): Error {
  if (info.via) return taskErrorOf({ ...info, via: info.via });
  const error = new Error(info.message);
  error.name = info.name;
  error.stack = info.stack;
  return error;
}

/**
 * What a task whose argument failed fails with, as Ray's: a task error is passed on as it
 * is; any other (an actor's death, a worker's crash, a cancel) becomes a RayTaskError naming
 * the task that is also of the argument's error class, as Ray's RayTaskError(RayActorError).
 */
export function dependencyFailed(task: string, cause: Error): Error {
  if (cause instanceof RayTaskError) return cause;
  const error = asTaskErrorOfClass(cause, `${task}: an argument of it failed\n${cause.name}: ${cause.message}`);
  error.name = `RayTaskError(${cause.name})`;
  error.stack = `${error.name}: ${error.message}`;
  Object.defineProperty(error, "task", { value: task, enumerable: false });
  return error;
}

/** A ref used after the session that made it ended (`where`: "ray.get()", "f.remote()"...). */
export function earlierSessionError(id: string, where: string): RayError {
  return new RayError(
    `${where}: ObjectRef(${id}) belongs to an earlier session: it was made before ray.shutdown(), and its object ended with that session. ` +
      "Make it again in this session (run its task or ray.put its value again after ray.init()) and pass the new ref."
  );
}

export const exceptions = { RayError, RayTaskError, GetTimeoutError, TaskCancelledError, RayActorError, WorkerCrashedError, OutOfMemoryError };
