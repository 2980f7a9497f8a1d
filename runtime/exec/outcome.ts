// What a call of shipped code gives back, as it travels: its values encoded (one per
// return, none for numReturns 0), or what it threw, with its stack mapped to the lines the
// user wrote. Shared by pool workers and actor threads.
import { inspect } from "node:util";
import { builtinErrorName } from "../core/builtin-errors";
import { encode, Encoded } from "../core/codec";
import { taskErrorOrigin, ThrownInfo } from "../core/errors";
import { shippedFunctionHere } from "./shipped-code";
import { mapStack } from "./stack";

/**
 * The thrown value as it travels: its fields that cannot be copied (a socket, a function)
 * are left out. One that cannot be read at all (a getter that throws, a revoked Proxy)
 * travels as its name and message only: reporting a task's error must not fail too.
 */
function encodeThrown(error: unknown): Encoded | undefined {
  try {
    return encode(error, "the thrown value", { skipUncopyable: true });
  } catch {
    return undefined;
  }
}

export function thrownInfo(error: unknown, fnId: number): ThrownInfo {
  // A nested task's error, re-thrown: the task fails with that error (core/errors.ts).
  const origin = taskErrorOrigin(error);
  if (origin) return origin;
  const shipped = shippedFunctionHere(fnId);
  const thrown = encodeThrown(error);
  if (error instanceof Error) {
    const stack = shipped ? mapStack(error.stack ?? "", fnId, shipped.segments) : error.stack ?? "";
    return { name: error.name, message: error.message, stack, builtin: builtinErrorName(error), thrown };
  }
  return { name: "Error", message: `a non-Error value was thrown: ${inspect(error)}`, stack: "", thrown };
}

export function outputs(value: unknown, numReturns: number): Encoded[] {
  // Nothing to keep it for (no ref): the task ran for its effects.
  if (numReturns === 0) return [];
  if (numReturns === 1) return [encode(value, "the task's result")];
  if (!Array.isArray(value) || value.length !== numReturns) {
    throw new TypeError(`the task has numReturns: ${numReturns} but returned ${Array.isArray(value) ? `${value.length} values` : "a non-array"}`);
  }
  return value.map((item, i) => encode(item, `the task's result ${i}`));
}
