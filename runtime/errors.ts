// ray.exceptions (API.md section 4). A RayTaskError is also an instance of the built-in
// class of the error the task threw (TypeError, RangeError...), as Ray's dual-class
// RayTaskError(ZeroDivisionError) is.

const RAY_ERROR = Symbol.for("tsray.RayError");
const RAY_TASK_ERROR = Symbol.for("tsray.RayTaskError");

export class RayError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[RAY_ERROR] === true;
  }
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    Object.defineProperty(this, RAY_ERROR, { value: true });
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

/** What a worker reports of the error a task threw. */
export interface ThrownInfo {
  name: string;
  message: string;
  stack: string;
  /** The name of the built-in Error class it is an instance of, if any. */
  builtin?: string;
}

const BUILTINS: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

export function builtinErrorName(error: unknown): string | undefined {
  for (const [name, ctor] of Object.entries(BUILTINS).reverse()) if (error instanceof ctor) return name;
  return undefined;
}

export interface RayTaskError extends Error {
  /** `ray::name()`. */
  readonly task: string;
  readonly cause: Error;
}

/** The class of `ray.exceptions.RayTaskError`: instanceof matches every task error. */
export const RayTaskError = class RayTaskError extends RayError {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[RAY_TASK_ERROR] === true;
  }
} as unknown as { new (message: string): RayTaskError; prototype: RayTaskError };

const taskErrorClasses = new Map<string, new (message: string, options: { cause: unknown }) => Error>();

/** One class per built-in base, so that `instanceof TypeError` holds for a task's TypeError. */
function taskErrorClass(builtin: string | undefined) {
  const key = builtin ?? "";
  let cls = taskErrorClasses.get(key);
  if (!cls) {
    const Base = (builtin && builtin !== "Error" ? BUILTINS[builtin] : RayError) as new (message: string, options: { cause: unknown }) => Error;
    cls = class extends Base {};
    Object.defineProperty(cls.prototype, RAY_ERROR, { value: true });
    Object.defineProperty(cls.prototype, RAY_TASK_ERROR, { value: true });
    taskErrorClasses.set(key, cls);
  }
  return cls;
}

/** The original error, rebuilt in the driver with its class (if built-in), message and worker stack. */
function rebuildCause(info: ThrownInfo): Error {
  const Ctor = info.builtin ? BUILTINS[info.builtin] : Error;
  const cause = new Ctor(info.message);
  cause.name = info.name;
  cause.stack = info.stack;
  return cause;
}

export function makeTaskError(task: string, info: ThrownInfo, where: string): RayTaskError {
  const cause = rebuildCause(info);
  const Cls = taskErrorClass(info.builtin);
  const error = new Cls(`${task} (${where})\n${info.name}: ${info.message}`, { cause }) as RayTaskError;
  error.name = `RayTaskError(${info.name})`;
  Object.defineProperty(error, "task", { value: task, enumerable: false });
  // The traceback shown is the worker's: where the user's code threw.
  const frames = info.stack.split("\n").filter((line) => /^\s+at /.test(line));
  error.stack = `${error.name}: ${error.message}\n${frames.join("\n")}`;
  return error;
}

export const exceptions = { RayError, RayTaskError, GetTimeoutError, TaskCancelledError, RayActorError, WorkerCrashedError, OutOfMemoryError };
