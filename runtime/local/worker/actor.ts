// An actor's thread: builds the instance from the shipped class, then runs the calls it is
// sent one at a time, in order; an async method finishes before the next call starts. Each
// call's claim cell is claimed before it runs: one the driver took back (cancelled) is skipped.
// Results go back in batches (when no call is left, and at least every millisecond); a
// failed call's at once.
import { decode } from "../../core/codec";
import { ActorCallMessage, FromWorker, TaskResult, ToWorker } from "../protocol";
import { TERMINATE } from "../../core/task-options";
import { functionFor } from "../../exec/shipped-code";
import { outputs, thrownInfo } from "../../exec/outcome";

/** What the thread's main module lends: its port, the call whose output it captures, the claim cells. */
export interface ActorThread {
  post(message: FromWorker): void;
  /** The call whose console output is being captured. */
  setCurrent(call: number): void;
  /** Claims the call's cell: false if the driver took it back (the call was cancelled). */
  claim(cell: number, call: number): boolean;
}

const now = () => performance.timeOrigin + performance.now();

export class ActorRunner {
  private instance: Record<string, unknown> = {};
  private fnId = -1;
  private queue: ActorCallMessage[] = [];
  private head = 0;
  private results: TaskResult[] = [];
  private running = false;
  /** Its constructor failed, or it was terminated: no further call runs. */
  private ended = false;

  constructor(private readonly thread: ActorThread) {}

  receive(message: Extract<ToWorker, { t: "actor.create" | "actor.calls" }>): void {
    if (message.t === "actor.create") return this.create(message);
    for (const call of message.calls) this.queue.push(call);
    void this.drain();
  }

  private create(message: Extract<ToWorker, { t: "actor.create" }>): void {
    const start = now();
    this.fnId = message.fn.id;
    try {
      const Cls = functionFor(message) as new (...args: unknown[]) => Record<string, unknown>;
      this.instance = new Cls(...message.args.map(decode));
      this.thread.post({ t: "actor.ready", ok: true, start, end: now() });
    } catch (error) {
      this.ended = true;
      this.thread.post({ t: "actor.ready", ok: false, error: thrownInfo(error, this.fnId), start, end: now() });
    }
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    let flushedAt = now();
    while (this.head < this.queue.length && !this.ended) {
      const call = this.queue[this.head++];
      if (!this.thread.claim(call.cell, call.call)) continue;
      const outcome = this.run(call);
      const result = outcome instanceof Promise ? await outcome : outcome;
      this.results.push(result);
      // A failure goes back at once: a `get` of it with the calls after it must not wait for them.
      if (!result.ok || this.head === this.queue.length || now() - flushedAt > 1) {
        this.flush();
        flushedAt = now();
      }
    }
    this.queue = this.queue.slice(this.head);
    this.head = 0;
    this.flush();
    this.running = false;
  }

  /** Synchronous for a synchronous method: no promise per call. */
  private run(call: ActorCallMessage): TaskResult | Promise<TaskResult> {
    const start = now();
    this.thread.setCurrent(call.call);
    try {
      if (call.method === TERMINATE) {
        this.ended = true;
        return this.result(call, start, null);
      }
      const method = this.instance[call.method];
      if (typeof method !== "function") throw new TypeError(`'${call.method}' is not a method of this actor`);
      const value = method.apply(this.instance, call.args.map(decode));
      if (value && typeof (value as Promise<unknown>).then === "function") {
        return Promise.resolve(value).then(
          (settled) => this.result(call, start, settled),
          (error) => this.failure(call, start, error)
        );
      }
      return this.result(call, start, value);
    } catch (error) {
      return this.failure(call, start, error);
    }
  }

  private result(call: ActorCallMessage, start: number, value: unknown): TaskResult {
    try {
      return { task: call.call, ok: true, values: outputs(value, call.numReturns), start, end: now() };
    } catch (error) {
      return this.failure(call, start, error);
    }
  }

  private failure(call: ActorCallMessage, start: number, error: unknown): TaskResult {
    return { task: call.call, ok: false, error: thrownInfo(error, this.fnId), start, end: now() };
  }

  private flush(): void {
    if (this.results.length === 0) return;
    const results = this.results;
    this.results = [];
    this.thread.post({ t: "actor.done", results });
  }
}
