// A worker thread: started through threads.js (expose/spawn) only to receive its
// MessagePort; tasks and results then travel on that port, in batches.
import vm from "node:vm";
import { inspect } from "node:util";
import { createRequire } from "node:module";
import { MessagePort } from "node:worker_threads";
import { expose } from "threads/worker";
import { builtinErrorName } from "../builtin-errors";
import { decode, encode, Encoded } from "../codec";
import { taskErrorOrigin, ThrownInfo } from "../errors";
import { registerShippedClass } from "../shipping/classes";
import type { FromWorker, TaskMessage, TaskResult, ToWorker } from "../protocol";
import type { ShippedData, ShippedFunction } from "../shipping/ship";
import { mapStack, shippedFilename } from "./stack";
import { WorkerBackend, setCurrentTask } from "./backend";
import { setBackend } from "../backend";
import { claim } from "../prefetch";
import { ActorRunner } from "./actor";
import { shippableFromShipment } from "../actor";
import { setCluster } from "../cluster-info";
import { setSleepInterruptFlag } from "../sleep-interrupt";

const functions = new Map<number, { shipped: ShippedFunction; entry?: Function; factory: Function; require: NodeJS.Require }>();
let port: MessagePort;
let claims: Int32Array;
const queue: TaskMessage[] = [];
let results: TaskResult[] = [];
let running = false;
let currentTask = -1;

/** Results go first: the driver must know a task ended before hearing from the next one. */
function send(message: FromWorker): void {
  flush();
  port.postMessage(message);
}

function importer(requireFrom: string) {
  const req = createRequire(requireFrom);
  return (module: { specifier: string; key?: string; star?: boolean }) => {
    const mod = req(module.specifier);
    if (module.key !== undefined) return mod[module.key];
    if (module.star && !mod.__esModule) return { ...mod, default: mod };
    return mod;
  };
}

function dataValue(data: ShippedData): unknown {
  if (data.kind === "value") return decode(data.encoded);
  const shipment = { fn: data.fn, data: data.data };
  return shippableFromShipment(shipment, data.options);
}

function functionFor(task: Pick<TaskMessage, "fn" | "data">): Function {
  let known = typeof task.fn === "number" ? functions.get(task.fn) : undefined;
  if (!known) {
    const shipped = task.fn as ShippedFunction;
    const factory = vm.runInThisContext(shipped.code, { filename: shippedFilename(shipped.id) });
    known = { shipped, factory, require: createRequire(shipped.requireFrom) };
    functions.set(shipped.id, known);
  }
  if (task.data.length === 0) return (known.entry ??= known.factory([], importer(known.shipped.requireFrom), known.require, registerShippedClass));
  return known.factory(task.data.map(dataValue), importer(known.shipped.requireFrom), known.require, registerShippedClass);
}

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

function thrownInfo(error: unknown, fnId: number): ThrownInfo {
  // A nested task's error, re-thrown: the task fails with that error (errors.ts).
  const origin = taskErrorOrigin(error);
  if (origin) return origin;
  const shipped = functions.get(fnId)?.shipped;
  const thrown = encodeThrown(error);
  if (error instanceof Error) {
    const stack = shipped ? mapStack(error.stack ?? "", fnId, shipped.segments) : error.stack ?? "";
    return { name: error.name, message: error.message, stack, builtin: builtinErrorName(error), thrown };
  }
  return { name: "Error", message: `a non-Error value was thrown: ${inspect(error)}`, stack: "", thrown };
}

function outputs(value: unknown, numReturns: number): Encoded[] {
  // Nothing to keep it for (no ref): the task ran for its effects.
  if (numReturns === 0) return [];
  if (numReturns === 1) return [encode(value, "the task's result")];
  if (!Array.isArray(value) || value.length !== numReturns) {
    throw new TypeError(`the task has numReturns: ${numReturns} but returned ${Array.isArray(value) ? `${value.length} values` : "a non-array"}`);
  }
  return value.map((item, i) => encode(item, `the task's result ${i}`));
}

function flush(): void {
  if (results.length === 0) return;
  const done = results;
  results = [];
  port.postMessage({ t: "done", results: done } satisfies FromWorker);
}

const now = () => performance.timeOrigin + performance.now();

async function runTask(task: TaskMessage): Promise<TaskResult> {
  const start = now();
  const fnId = typeof task.fn === "number" ? task.fn : task.fn.id;
  currentTask = task.task;
  setCurrentTask(task.task);
  try {
    const fn = functionFor(task);
    let value = fn(...task.args.map(decode));
    if (value && typeof (value as Promise<unknown>).then === "function") value = await value;
    return { task: task.task, ok: true, values: outputs(value, task.numReturns), start, end: now() };
  } catch (error) {
    return { task: task.task, ok: false, error: thrownInfo(error, fnId), start, end: now() };
  }
}

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  let flushedAt = now();
  while (queue.length > 0) {
    const task = queue.shift()!;
    // Taken back by the driver (it runs elsewhere or was cancelled).
    if (!claim(claims, task.cell, task.task)) continue;
    results.push(await runTask(task));
    // Results go back as soon as the queue is empty, and at least every millisecond.
    if (queue.length === 0 || now() - flushedAt > 1) {
      flush();
      flushedAt = now();
    }
  }
  flush();
  running = false;
}

function captureOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      send({ t: "log", task: currentTask, text });
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") process.nextTick(done as () => void);
      return true;
    }) as typeof stream.write;
  }
}

/**
 * threads.js catches uncaught errors in a worker and keeps it alive; Ray's worker dies
 * (and its task fails with WorkerCrashedError), so its handlers go.
 */
function uncaughtErrorsEndTheWorker(): void {
  process.removeAllListeners("uncaughtException");
  process.removeAllListeners("unhandledRejection");
}

expose({
  connect(channel: MessagePort) {
    uncaughtErrorsEndTheWorker();
    port = channel;
    captureOutput();
    const backend = new WorkerBackend(send);
    setBackend(backend);
    // Made only in an actor's own thread (never a pool worker), at its first message.
    let actor: ActorRunner | undefined;
    port.on("message", (message: ToWorker) => {
      if (message.t === "tasks") {
        for (const task of message.tasks) queue.push(task);
        void drain();
      } else if (message.t === "claims") claims = message.cells;
      else if (message.t === "cancel-flag") setSleepInterruptFlag(message.flag, (value) => value === currentTask + 1);
      else if (message.t === "cluster") setCluster(message.cluster);
      else if (message.t === "actor.create" || message.t === "actor.calls") {
        actor ??= new ActorRunner({
          load: (fn, data) => functionFor({ fn, data }),
          thrown: thrownInfo,
          outputs,
          post: send,
          setCurrent: (call) => (currentTask = call),
          claim: (cell, call) => claim(claims, cell, call),
        });
        actor.receive(message);
      } else backend.reply(message);
    });
  },
});
