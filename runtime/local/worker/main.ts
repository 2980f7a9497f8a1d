// A worker thread: started through threads.js (expose/spawn) only to receive its
// MessagePort; tasks and results then travel on that port, in batches.
import { MessagePort, workerData } from "node:worker_threads";
import { expose } from "threads/worker";
import { decode } from "../../core/codec";
import type { FromWorker, TaskMessage, TaskResult, ToWorker } from "../protocol";
import { functionFor } from "../../exec/shipped-code";
import { outputs, thrownInfo } from "../../exec/outcome";
import { WorkerBackend } from "./backend";
import { setBackend } from "../../core/backend";
import { claim } from "../prefetch";
import { ActorRunner } from "./actor";
import { setShippedKinds } from "../../core/shipped-kinds";
import { setSleepInterruptFlag } from "../../exec/sleep-interrupt";

let port: MessagePort;
let claims: Int32Array;
const queue: TaskMessage[] = [];
let results: TaskResult[] = [];
let running = false;
let currentTask = -1;

// Remote functions, actor classes and handles that arrive are rebuilt by the API, loaded
// when the first one does (a thread that never meets one starts without it).
let apiModule: typeof import("../../api/actor") | undefined;
// Kept: `require` resolves its path at each call.
const api = () => (apiModule ??= require("../../api/actor") as typeof import("../../api/actor"));
setShippedKinds({ shippable: (shipment, options) => api().shippableFromShipment(shipment, options), handle: (descriptor) => api().handleFrom(descriptor) });

/** Results go first: the driver must know a task ended before hearing from the next one. */
function send(message: FromWorker): void {
  flush();
  port.postMessage(message);
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
    const backend = new WorkerBackend(send, () => currentTask);
    setBackend(backend);
    // Made only in an actor's own thread (never a pool worker), at its first message.
    let actor: ActorRunner | undefined;
    port.on("message", (message: ToWorker) => {
      if (message.t === "tasks") {
        for (const task of message.tasks) queue.push(task);
        void drain();
      } else if (message.t === "claims") claims = message.cells;
      else if (message.t === "cancel-flag") setSleepInterruptFlag(message.flag, (value) => value === currentTask + 1);
      else if (message.t === "cluster") backend.cluster = message.cluster;
      else if (message.t === "actor.create" || message.t === "actor.calls") {
        actor ??= new ActorRunner({
          post: send,
          setCurrent: (call) => (currentTask = call),
          claim: (cell, call) => claim(claims, cell, call),
        });
        actor.receive(message);
      } else backend.reply(message);
    });
  },
});

// Loaded: the pool's `init` may be waiting for it (worker-pool.ts).
const loaded = (workerData as { loaded?: Int32Array } | undefined)?.loaded;
if (loaded) {
  Atomics.add(loaded, 0, 1);
  Atomics.notify(loaded, 0);
}
