// `ray.get` and `ray.wait` on the object store: both pin the objects they wait for (ref-
// counts.ts: the caller's refs may be collected meanwhile) until answered. A get fails at
// once when one object failed, without waiting for the rest; a wait counts arrivals rather
// than looking at every object at each one, so it stays linear in the number of objects.
import { decode, Encoded } from "../core/codec";
import { GetTimeoutError } from "../core/errors";
import type { ObjectStore } from "./object-store";
import type { RefCounts } from "../core/ref-counts";

export class ObjectReads {
  constructor(private readonly store: ObjectStore, private readonly refs: RefCounts) {}

  get(ids: string[], timeout?: number): Promise<unknown[]> {
    return this.read(ids, timeout, decode);
  }

  /** As `get`, the values left encoded: for a task, which decodes them itself. */
  getEncoded(ids: string[], timeout?: number): Promise<Encoded[]> {
    return this.read(ids, timeout, (value) => value);
  }

  /** Refuses an id this session never made; otherwise pins the objects until the answer settles. */
  private pinned<T>(ids: string[], where: string, answer: () => Promise<T>): Promise<T> {
    try {
      this.store.requireKnown(ids, where);
    } catch (error) {
      return Promise.reject(error);
    }
    for (const id of ids) this.refs.hold(id);
    return answer().finally(() => ids.forEach((id) => this.refs.release(id)));
  }

  private read<T>(ids: string[], timeout: number | undefined, as: (value: Encoded) => T): Promise<T[]> {
    return this.pinned(ids, "ray.get()", () => new Promise<T[]>((resolve, reject) => {
      let left = 0;
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const settle = (error?: Error) => {
        if (done || (!error && left > 0)) return;
        done = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(ids.map((id) => as(this.store.lookup(id).value!)));
      };
      for (const id of ids) {
        const entry = this.store.lookup(id);
        if (entry.state === "failed") return settle(entry.error);
        if (entry.state === "pending") {
          left++;
          this.store.onSettled(id, () => {
            left--;
            const settled = this.store.lookup(id);
            settle(settled.state === "failed" ? settled.error : undefined);
          });
        }
      }
      if (timeout !== undefined && left > 0) timer = setTimeout(() => settle(new GetTimeoutError()), timeout * 1000);
      settle();
    }));
  }

  wait(ids: string[], numReturns: number, timeout?: number): Promise<boolean[]> {
    return this.pinned(ids, "ray.wait()", () => new Promise<boolean[]>((resolve) => {
      let settled = 0;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        done = true;
        clearTimeout(timer);
        let left = numReturns;
        resolve(ids.map((id) => left > 0 && this.store.lookup(id).state !== "pending" && left-- > 0));
      };
      const pending: string[] = [];
      for (const id of ids) {
        if (this.store.lookup(id).state === "pending") pending.push(id);
        else settled++;
      }
      if (settled >= numReturns || timeout === 0) return finish();
      for (const id of pending) this.store.onSettled(id, () => !done && ++settled >= numReturns && finish());
      if (timeout !== undefined) timer = setTimeout(() => !done && finish(), timeout * 1000);
    }));
  }
}
