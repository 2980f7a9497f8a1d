// A task's failure on its way from a node to the driver. A task error travels as what it
// was made from (core/errors.ts), so that the driver rebuilds the same RayTaskError, with
// the class of what the task threw when the driver knows it; Ray's own errors (a crashed
// worker, a cancel, memory) travel as their class's name and message.
import { errorReceived, errorToSend, exceptions, RayTaskError, taskErrorOrigin } from "../core/errors";
import type { Failure } from "./values";

/** `node`: the label of the node it failed on, named in the error the driver rebuilds. */
export function failureOf(error: unknown, node?: string): Failure {
  if (error instanceof RayTaskError && taskErrorOrigin(error)) {
    const info = errorToSend(error);
    if (!node || !info.via?.length) return { kind: "task", info };
    const via = info.via.map((step, i) => (i === info.via!.length - 1 ? { ...step, where: `${step.where}, node=${node}` } : step));
    return { kind: "task", info: { ...info, via } };
  }
  const { name, message } = error instanceof Error ? error : { name: "RayError", message: String(error) };
  return { kind: "system", name, message: node ? `${message} (on node ${node})` : message };
}

export function errorOf(failure: Failure): Error {
  if (failure.kind === "task") return errorReceived(failure.info);
  const cls = (exceptions as Record<string, new (message: string) => Error>)[failure.name] ?? exceptions.RayError;
  // Not through the constructor: some build their message from other arguments.
  const error = Object.create(cls.prototype) as Error;
  Object.defineProperty(error, "message", { value: failure.message, writable: true, configurable: true });
  Object.defineProperty(error, "name", { value: failure.name, writable: true, configurable: true });
  Error.captureStackTrace(error);
  return error;
}
