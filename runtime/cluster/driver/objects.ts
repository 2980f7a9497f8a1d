// The driver's table of the objects its refs name: pending until a node reports the task
// that makes them, then ready (stored in Redis, and here too when small or put by the
// driver) or failed. `get` waits for them, failing at once when one failed, and reads from
// Redis only the values it does not hold; `wait` counts arrivals, linear in the refs.
import { decode, Encoded } from "../../core/codec";
import { earlierSessionError, GetTimeoutError } from "../../core/errors";
import { errorOf } from "../failures";
import { storedObject } from "../values";

interface ObjectEntry {
  state: "pending" | "ready" | "failed";
  /** The value, when held here (otherwise read from Redis). */
  value?: Encoded;
  error?: Error;
  /** Settles once the value is in Redis (a put is written in the background). */
  stored?: Promise<void>;
  waiters: (() => void)[];
}

/** Reads stored objects from Redis by id (null for one not there). */
export type ObjectFetch = (ids: string[]) => Promise<(Buffer | null)[]>;

export class ClusterObjects {
  private readonly entries = new Map<string, ObjectEntry>();

  /** `onSettle(id)`: called once an object settles (reference counting may free it then). */
  constructor(private readonly fetch: ObjectFetch, private readonly onSettle: (id: string) => void) {}

  has(id: string): boolean {
    return this.entries.has(id);
  }

  requireKnown(ids: Iterable<string>, where: string): void {
    for (const id of ids) if (!this.entries.has(id)) throw earlierSessionError(id, where);
  }

  create(id: string): void {
    this.entries.set(id, { state: "pending", waiters: [] });
  }

  /** A value the driver put: held here, written to Redis meanwhile. */
  putHere(id: string, value: Encoded, stored: Promise<void>): void {
    this.entries.set(id, { state: "ready", value, stored, waiters: [] });
  }

  /** A node stored it; `inline` is its stored form when small enough to come along. */
  storedByNode(id: string, inline: Buffer | null): void {
    if (!inline) return this.settle(id, {});
    const object = storedObject(inline);
    this.settle(id, "value" in object ? { value: object.value } : { error: errorOf(object.failure) });
  }

  fail(id: string, error: Error): void {
    this.settle(id, { error });
  }

  state(id: string): ObjectEntry["state"] | undefined {
    return this.entries.get(id)?.state;
  }

  /** The value, if it is held here (small, or put by the driver). */
  heldValue(id: string): Encoded | undefined {
    return this.entries.get(id)?.value;
  }

  errorOf(id: string): Error | undefined {
    return this.entries.get(id)?.error;
  }

  /** Settles once every object is in Redis (a task reading it on a node must find it there). */
  async storedInRedis(ids: string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.entries.get(id)?.stored));
  }

  onSettled(id: string, settled: () => void): void {
    const entry = this.entries.get(id);
    if (!entry) throw earlierSessionError(id, "ray.get()");
    if (entry.state === "pending") entry.waiters.push(settled);
    else settled();
  }

  /** Forgets it (its Redis key is the caller's to delete). */
  forget(id: string): void {
    this.entries.delete(id);
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  private settle(id: string, outcome: { value?: Encoded; error?: Error }): void {
    const entry = this.entries.get(id);
    if (!entry || entry.state !== "pending") return;
    Object.assign(entry, outcome.error ? { state: "failed", error: outcome.error } : { state: "ready", value: outcome.value });
    const waiters = entry.waiters;
    entry.waiters = [];
    for (const waiter of waiters) waiter();
    this.onSettle(id);
  }

  async getEncoded(ids: string[], timeout?: number): Promise<Encoded[]> {
    this.requireKnown(ids, "ray.get()");
    await this.allSettled(ids, timeout);
    const missing = [...new Set(ids.filter((id) => this.entries.get(id)!.value === undefined))];
    if (missing.length > 0) {
      const buffers = await this.fetch(missing);
      missing.forEach((id, i) => {
        const data = buffers[i];
        if (!data) throw new Error(`the object ${id} is not in Redis any more (was the cluster's head restarted?)`);
        const object = storedObject(data);
        if (!("value" in object)) throw errorOf(object.failure);
        this.entries.get(id)!.value = object.value;
      });
    }
    return ids.map((id) => this.entries.get(id)!.value!);
  }

  async get(ids: string[], timeout?: number): Promise<unknown[]> {
    return (await this.getEncoded(ids, timeout)).map(decode);
  }

  /** Waits until every object settled, rejecting with the first failure (or a timeout). */
  private allSettled(ids: string[], timeout: number | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      let left = 0;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (error?: Error) => {
        if (done || (!error && left > 0)) return;
        done = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      for (const id of ids) {
        const entry = this.entries.get(id)!;
        if (entry.state === "failed") return finish(entry.error);
        if (entry.state === "pending") {
          left++;
          entry.waiters.push(() => {
            left--;
            finish(this.entries.get(id)?.error);
          });
        }
      }
      if (timeout !== undefined && left > 0) timer = setTimeout(() => finish(new GetTimeoutError()), timeout * 1000);
      finish();
    });
  }

  wait(ids: string[], numReturns: number, timeout?: number): Promise<boolean[]> {
    this.requireKnown(ids, "ray.wait()");
    return new Promise((resolve) => {
      let settled = 0;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const isSettled = (id: string) => this.entries.get(id)?.state !== "pending";
      const finish = () => {
        done = true;
        clearTimeout(timer);
        let left = numReturns;
        resolve(ids.map((id) => left > 0 && isSettled(id) && left-- > 0));
      };
      const pending = ids.filter((id) => !isSettled(id));
      settled = ids.length - pending.length;
      if (settled >= numReturns || timeout === 0) return finish();
      for (const id of pending) this.onSettled(id, () => !done && ++settled >= numReturns && finish());
      if (timeout !== undefined) timer = setTimeout(() => !done && finish(), timeout * 1000);
    });
  }
}
