// The pool of worker threads the tasks run on: one per CPU (at least one), kept while the
// session lasts; extra ones start for 0-CPU tasks (up to max(8, twice the base), as Ray
// starts more workers for them) and on CPUs lent by tasks blocked in `get`. The threads
// keep a plain Node program alive only while tasks are pending. A new pool is warm: its
// maker waits until the threads have loaded, as Ray's `init` returns once its workers are
// up, so that a batch submitted right after `init` keeps its schedule.
import { WorkerConfig, WorkerEvents, WorkerSlot } from "./worker-slot";

/** The pool grows to at most max(8, twice its base) workers for 0-CPU tasks. */
const MIN_WORKER_CAP = 8;
/** The longest `init` waits for its threads to load (a machine that slow gets them later). */
const LOAD_WAIT_MS = 3_000;

export class WorkerPool {
  readonly slots: WorkerSlot[] = [];
  private readonly max: number;
  private nextIndex = 1;
  /** Tasks pending: while there are any, the threads keep the process alive. */
  private active = 0;

  private readonly config: WorkerConfig;

  constructor(readonly base: number, config: WorkerConfig, private readonly events: WorkerEvents) {
    this.max = Math.max(MIN_WORKER_CAP, 2 * base);
    this.config = { ...config, loaded: new Int32Array(new SharedArrayBuffer(4)) };
    for (let i = 0; i < base; i++) this.add();
  }

  /** Blocks until the base workers have loaded their code (at most LOAD_WAIT_MS). */
  waitUntilLoaded(): void {
    const loaded = this.config.loaded!;
    const deadline = Date.now() + LOAD_WAIT_MS;
    for (let seen = Atomics.load(loaded, 0); seen < this.base; seen = Atomics.load(loaded, 0)) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(loaded, 0, seen, left) === "timed-out") return;
    }
  }

  add(): WorkerSlot {
    const slot = new WorkerSlot(this.nextIndex++, this.events, this.config);
    this.slots.push(slot);
    slot.start();
    if (this.active > 0) slot.ref();
    return slot;
  }

  /** False if it had left the pool already. */
  remove(slot: WorkerSlot): boolean {
    const at = this.slots.indexOf(slot);
    if (at < 0) return false;
    this.slots.splice(at, 1);
    return true;
  }

  /** A worker that ran its task's `maxCalls`: a fresh one takes its place. */
  recycle(slot: WorkerSlot): void {
    this.remove(slot);
    void slot.terminate();
    this.add();
  }

  /** A dead worker is replaced, unless it was an extra one (started for a 0-CPU task or a lent CPU). */
  replaceIfBelowBase(): boolean {
    const kept = this.slots.filter((slot) => !slot.terminating).length;
    if (kept >= this.base) return false;
    this.add();
    return true;
  }

  starting(): number {
    return this.slots.filter((slot) => !slot.ready && !slot.terminating).length;
  }

  anyLending(): boolean {
    return this.slots.some((slot) => slot.lending);
  }

  /** Every worker is taken: another may start for a 0-CPU task (up to the cap) or on a lent CPU. */
  mayGrowFor(numCpus: number): boolean {
    if (numCpus === 0) return this.slots.length < this.max;
    return this.anyLending();
  }

  activity(delta: number): void {
    const before = this.active;
    this.active += delta;
    if (before === 0 && this.active > 0) for (const slot of this.slots) slot.ref();
    if (before > 0 && this.active === 0) for (const slot of this.slots) slot.unref();
  }

  async terminate(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((slot) => slot.terminate()));
  }
}
