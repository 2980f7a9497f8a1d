// The worker threads. Each is started through threads.js once, is handed a MessagePort,
// and from then on talks only over that port (threads.js's per-call messaging costs about
// 1.4 ms a round trip; a port about 7 µs).
import { MessageChannel, MessagePort } from "node:worker_threads";
import { totalmem } from "node:os";
import type { FromWorker, TaskMessage, ToWorker } from "./protocol";
import { ClaimCells } from "./prefetch";

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

export interface WorkerEvents {
  message(slot: WorkerSlot, message: FromWorker): void;
  ready(slot: WorkerSlot): void;
  exit(slot: WorkerSlot, reason: string): void;
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
  readonly claims = new ClaimCells();
  private port?: MessagePort;
  private worker?: import("worker_threads").Worker;

  constructor(readonly index: number, private readonly events: WorkerEvents) {}

  start(): void {
    const { spawn, Worker, Transfer } = loadThreads();
    const heapMb = Math.max(512, Math.floor(totalmem() / 2 ** 20 / 2));
    const worker = withoutThreadsSignalHandlers(
      () => new Worker("./worker/main.js", { resourceLimits: { maxOldGenerationSizeMb: heapMb } } as never)
    ) as unknown as import("worker_threads").Worker;
    this.worker = worker;
    worker.on("exit", (code) => this.events.exit(this, this.terminating ? "terminated" : `exit code ${code}`));
    worker.on("error", (error) => this.events.exit(this, `${error.name}: ${error.message}`));
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    port1.on("message", (message: FromWorker) => this.events.message(this, message));
    port1.postMessage({ t: "claims", cells: this.claims.cells } satisfies ToWorker);
    spawn(worker as never)
      .then((thread) => (thread as unknown as { connect(port: unknown): Promise<void> }).connect(Transfer(port2 as never, [port2 as never])))
      .then(() => {
        if (this.terminating) return;
        this.ready = true;
        this.events.ready(this);
      })
      .catch((error: Error) => this.events.exit(this, `could not start: ${error.message}`));
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

  async terminate(): Promise<void> {
    this.terminating = true;
    this.ready = false;
    this.port?.close();
    await this.worker?.terminate();
  }
}
