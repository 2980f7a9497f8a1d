// Where what a task prints goes: into the cell (the async context) that submitted it, each
// line prefixed with who printed it, as Ray prefixes a worker's lines with its task and pid.
// Shared by tasks and actor calls, and by every backend; one context per cell run, not per submission.
import { AsyncResource, executionAsyncId } from "node:async_hooks";

let latest = { asyncId: -1, resource: undefined as AsyncResource | undefined };

/** The async context submitting now (the running cell's), kept for the output of what it submits. */
export function submittingContext(): AsyncResource {
  const asyncId = executionAsyncId();
  if (latest.asyncId !== asyncId || !latest.resource) latest = { asyncId, resource: new AsyncResource("tsray.task") };
  return latest.resource!;
}

/** Writes `text` on `stream` in `context` (the cell that submitted), or plainly without one. */
export function printIn(context: AsyncResource | undefined, stream: NodeJS.WriteStream, text: string): void {
  const print = () => stream.write(text);
  if (context) context.runInAsyncScope(print);
  else print();
}

/** Writes `text` on stdout, every line after `prefix`, in `context` when there is one. */
export function printPrefixed(context: AsyncResource | undefined, prefix: string, text: string): void {
  printIn(context, process.stdout, text.replace(/\n$/, "").split("\n").map((line) => prefix + line).join("\n") + "\n");
}
