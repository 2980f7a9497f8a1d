// The pools the runtime is measured against, behind one interface: piscina, workerpool,
// threads.js's Pool and a hand-written worker_threads pool (one message each way per task).
// Each runs the functions of tasks.ts in `workers` threads.
import { join } from "node:path";
import { Worker } from "node:worker_threads";

export type ProbeResult = [shared: boolean, reachedAt: number, length: number];

export interface PoolUnderTest {
  id: string;
  label: string;
  /** Runs this many times fewer tasks in the throughput and memory runs (a slow pool). */
  scaleDown?: number;
  start(workers: number): Promise<void>;
  /** Submits n tiny tasks at once and waits for all of them. */
  tiny(n: number): Promise<void>;
  /** One tiny task: submit, then wait for its result. */
  roundTrip(x: number): Promise<number>;
  /** Sends the array to a task, which reports when (and how) it got it. */
  probe(array: Float64Array): Promise<ProbeResult>;
  /** A task that sleeps `units` units of `unitS` s on its worker (tasks.ts); when it started (epoch ms). */
  sleep(units: number, unitS: number): Promise<number>;
  stop(): Promise<void>;
}

const worker = (name: string) => join(__dirname, `${name}.js`);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export function piscinaPool(): PoolUnderTest {
  let pool: import("piscina").Piscina;
  return {
    id: "piscina",
    label: "piscina",
    async start(workers) {
      const { Piscina } = await import("piscina");
      pool = new Piscina({ filename: worker("piscina-worker"), minThreads: workers, maxThreads: workers });
    },
    async tiny(n) {
      await Promise.all(range(n).map((i) => pool.run(i, { name: "inc" })));
    },
    roundTrip: (x) => pool.run(x, { name: "inc" }),
    probe: (array) => pool.run(array, { name: "probe" }),
    sleep: (units, unitS) => pool.run([units, unitS], { name: "sleepUnits" }),
    stop: () => pool.destroy(),
  };
}

export function workerpoolPool(): PoolUnderTest {
  let pool: import("workerpool").Pool;
  return {
    id: "workerpool",
    label: "workerpool",
    async start(workers) {
      const workerpool = await import("workerpool");
      pool = workerpool.pool(worker("workerpool-worker"), { minWorkers: workers, maxWorkers: workers, workerType: "thread" });
    },
    async tiny(n) {
      await Promise.all(range(n).map((i) => pool.exec("inc", [i])));
    },
    roundTrip: (x) => pool.exec("inc", [x]) as Promise<number>,
    probe: (array) => pool.exec("probe", [array]) as Promise<ProbeResult>,
    sleep: (units, unitS) => pool.exec("sleepUnits", [[units, unitS]]) as Promise<number>,
    async stop() {
      await pool.terminate();
    },
  };
}

interface ThreadsWorker {
  inc(x: number): Promise<number>;
  probe(array: Float64Array): Promise<ProbeResult>;
  sleepUnits(pair: [number, number]): Promise<number>;
}

export function threadsPool(): PoolUnderTest {
  let pool: import("threads").Pool<import("threads").ModuleThread<never>>;
  const queue = <T>(run: (w: ThreadsWorker) => Promise<T>) => pool.queue((w) => run(w as unknown as ThreadsWorker)) as unknown as Promise<T>;
  return {
    id: "threads",
    label: "threads.js Pool",
    // About 400 tasks/s: the full counts would take minutes.
    scaleDown: 10,
    async start(workers) {
      const { Pool, spawn, Worker: ThreadsWorkerCtor } = await import("threads");
      // threads.js resolves a relative path against this file's directory (and joins an absolute one to it).
      pool = Pool(() => spawn(new ThreadsWorkerCtor("./threads-worker.js")), workers) as never;
    },
    async tiny(n) {
      await Promise.all(range(n).map((i) => queue((w) => w.inc(i))));
    },
    roundTrip: (x) => queue((w) => w.inc(x)),
    probe: (array) => queue((w) => w.probe(array)),
    sleep: (units, unitS) => queue((w) => w.sleepUnits([units, unitS])),
    stop: () => pool.terminate(true),
  };
}

/** What one would write by hand: round-robin postMessage, a map of pending promises. */
export function rawPool(): PoolUnderTest {
  let workers: Worker[] = [];
  const pending = new Map<number, (value: never) => void>();
  let nextId = 0;
  const send = <T>(kind: "inc" | "probe" | "sleepUnits", arg: unknown): Promise<T> =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (value: never) => void);
      workers[id % workers.length].postMessage({ id, kind, arg });
    });
  return {
    id: "raw",
    label: "raw worker_threads",
    async start(count) {
      workers = range(count).map(() => new Worker(worker("raw-worker")));
      for (const w of workers) {
        w.on("message", (message: { id: number; value: never }) => {
          const resolve = pending.get(message.id)!;
          pending.delete(message.id);
          resolve(message.value);
        });
      }
      await Promise.all(workers.map((w) => new Promise((resolve) => w.once("online", resolve))));
    },
    async tiny(n) {
      await Promise.all(range(n).map((i) => send("inc", i)));
    },
    roundTrip: (x) => send<number>("inc", x),
    probe: (array) => send<ProbeResult>("probe", array),
    sleep: (units, unitS) => send<number>("sleepUnits", [units, unitS]),
    async stop() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

export const PEERS = [piscinaPool, workerpoolPool, threadsPool, rawPool];
