// A worker thread, as the driver holds it. Each is started through threads.js once, is handed a MessagePort,
// and from then on talks only over that port (threads.js's per-call messaging costs about
// 1.4 ms a round trip; a port about 7 µs).
import { MessageChannel, MessagePort, receiveMessageOnPort } from "node:worker_threads";
import { totalmem } from "node:os";
import type { AsyncResource } from "node:async_hooks";
import type { FromWorker, TaskMessage, ToWorker } from "./protocol";
import { ClaimCells } from "./prefetch";
import type { WorkerDeath } from "./worker-death";
import type { ClusterShare } from "./cluster-info";

type ThreadsModule = typeof import("threads");

/**
 * threads.js installs SIGINT/SIGTERM handlers that terminate every worker and call
 * process.exit. An interrupt in the kernel must never kill it, so whatever handlers
 * loading threads.js or starting a worker adds are removed again.
 */
function withoutThreadsSignalHandlers<T>(body: () => T): T {
  const before = { SIGINT: process.listeners("SIGINT"), SIGTERM: process.listeners("SIGTERM") };
  try {
    return body();
  } finally {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      for (const listener of process.listeners(signal)) if (!before[signal].includes(listener)) process.off(signal, listener);
    }
  }
}

let threads: ThreadsModule | undefined;
function loadThreads(): ThreadsModule {
  return (threads ??= withoutThreadsSignalHandlers(() => require("threads") as ThreadsModule));
}

/** The floor of a worker's default heap limit, in MB: below it ordinary tasks would not fit. */
const MIN_HEAP_MB = 256;

/**
 * Half the machine's memory shared among the pool's workers (at least 256 MB each): the
 * workers together never promise more than half the machine, so a runaway task meets its
 * worker's limit (and fails alone) before the system's OOM killer ends the whole process.
 */
export function defaultHeapMb(workers: number): number {
  return Math.max(MIN_HEAP_MB, Math.floor(totalmem() / 2 ** 20 / 2 / Math.max(1, workers)));
}

/** What every worker thread (pool worker or actor) is started with. */
export interface WorkerConfig {
  /** The thread's V8 heap limit; reaching it ends the thread (ERR_WORKER_OUT_OF_MEMORY). */
  heapMb: number;
  /** What `ray.clusterResources()` and the like read inside tasks (cluster-info.ts). */
  cluster: ClusterShare;
  /** Counts the threads that have loaded their code (the pool's: worker-pool.ts waits on it). */
  loaded?: Int32Array;
}

export interface WorkerEvents {
  message(slot: WorkerSlot, message: FromWorker): void;
  ready(slot: WorkerSlot): void;
  exit(slot: WorkerSlot, death: WorkerDeath): void;
}

export class WorkerSlot {
  ready = false;
  terminating = false;
  /** Tasks sent and not yet done or taken back (the first one is running or about to; the rest are prefetched). */
  readonly assigned: number[] = [];
  readonly knownFunctions = new Set<number>();
  calls = new Map<number, number>();
  /** A running task waiting in `get`: its CPUs are lent to others. */
  lending = false;
  readonly claims: ClaimCells;
  /** Marked by `ray.cancel` with the running task's id + 1: its `time.sleep` wakes (preload/time.ts). */
  readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  /** Where the output of the latest task sent to it goes (the cell that submitted it). */
  lastContext?: AsyncResource;
  private port?: MessagePort;
  private worker?: import("worker_threads").Worker;
  /** Settles once the thread has started (or failed to). */
  private started?: Promise<void>;

  /** `claimCells`: how many tasks or actor calls may wait in the thread unstarted (prefetch.ts). */
  constructor(readonly index: number, private readonly events: WorkerEvents, private readonly config: WorkerConfig, claimCells?: number) {
    this.claims = new ClaimCells(claimCells);
  }

  start(): void {
    const { spawn, Worker, Transfer } = loadThreads();
    const worker = withoutThreadsSignalHandlers(
      () => new Worker("./worker/main.js", { resourceLimits: { maxOldGenerationSizeMb: this.config.heapMb }, workerData: { loaded: this.config.loaded } } as never)
    ) as unknown as import("worker_threads").Worker;
    this.worker = worker;
    worker.on("exit", (code) => {
      this.takeWhatItSent();
      this.events.exit(this, { reason: this.terminating ? "terminated" : `exit code ${code}` });
    });
    // Comes before "exit" when the thread died of an error: the driver reports that one.
    worker.on("error", (error) => this.events.exit(this, { reason: `${error.name}: ${error.message}`, error }));
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    port1.on("message", (message: FromWorker) => this.events.message(this, message));
    port1.postMessage({ t: "claims", cells: this.claims.cells } satisfies ToWorker);
    port1.postMessage({ t: "cluster", cluster: this.config.cluster } satisfies ToWorker);
    port1.postMessage({ t: "cancel-flag", flag: this.cancelFlag } satisfies ToWorker);
    this.started = spawn(worker as never)
      .then((thread) => (thread as unknown as { connect(port: unknown): Promise<void> }).connect(Transfer(port2 as never, [port2 as never])))
      .then(() => {
        if (this.terminating) return;
        this.ready = true;
        this.events.ready(this);
      })
      .catch((error: Error) => this.events.exit(this, { reason: `could not start: ${error.message}` }));
    this.unref();
  }

  send(tasks: TaskMessage[]): void {
    this.port!.postMessage({ t: "tasks", tasks } satisfies ToWorker);
  }

  post(message: unknown): void {
    this.port?.postMessage(message);
  }

  /** An idle pool does not keep a plain Node program alive; one with work does. */
  ref(): void {
    this.worker?.ref();
    this.port?.ref();
  }

  unref(): void {
    this.worker?.unref();
    this.port?.unref();
  }

  /** Wakes the task if it sleeps in `time.sleep` (it throws KeyboardInterrupt there, as Ray's cancel raises it). */
  interruptSleep(taskId: number): void {
    Atomics.store(this.cancelFlag, 0, taskId + 1);
    Atomics.notify(this.cancelFlag, 0);
  }

  /**
   * What the thread posted before it ended and the port has not delivered yet: a result it
   * sent just before `process.exit()` (its next call's) belongs to the call that made it,
   * which must not be reported as killed by the exit.
   */
  private takeWhatItSent(): void {
    if (!this.port) return;
    for (let left = receiveMessageOnPort(this.port); left; left = receiveMessageOnPort(this.port)) this.events.message(this, left.message as FromWorker);
  }

  async terminate(): Promise<void> {
    const wasReady = this.ready;
    this.terminating = true;
    this.ready = false;
    // Until it has ended the thread keeps the program alive: unref'd, the loop could run out
    // first, and a plain program's `await ray.shutdown()` never returned (Node exited, code 0,
    // with the rest of the program not run).
    this.ref();
    // threads.js's spawn arms a 10 s timer for the thread's first message, which nothing
    // can clear: a thread ended before that message kept a plain program alive 10 s. So a
    // thread still starting is let finish starting first (a fraction of a second).
    if (!wasReady) await this.started;
    this.port?.close();
    await this.worker?.terminate();
  }
}
