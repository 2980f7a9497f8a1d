// The driver's objects: each ref's state (pending, ready with its encoded value, or failed
// with the error `get` rejects with) and who is waiting for it. Entries are freed when
// nothing holds them any more (ref-counts.ts); a ref the store never held comes from an
// earlier session, and is refused with an error that says so.
import type { Encoded } from "../core/codec";
import { earlierSessionError } from "../core/errors";

export interface ObjectEntry {
  state: "pending" | "ready" | "failed";
  value?: Encoded;
  error?: Error;
  waiters?: (() => void)[];
  /** Made by an actor method call (which `cancel` with force refuses, as Ray does). */
  actorCall?: true;
}

/**
 * A ref this store never held: the driver of an earlier session made it (ids say nothing
 * of their session, so the store's ignorance is the test).
 */
export class ObjectStore {
  private readonly entries = new Map<string, ObjectEntry>();

  /** `onValue`: told of every value stored (the driver counts the refs nested in it). */
  constructor(private readonly onValue: (value: Encoded) => void = () => {}) {}

  /** How many objects it holds. */
  get size(): number {
    return this.entries.size;
  }

  create(id: string): ObjectEntry {
    const entry: ObjectEntry = { state: "pending" };
    this.entries.set(id, entry);
    return entry;
  }

  lookup(id: string): ObjectEntry {
    const entry = this.entries.get(id);
    if (!entry) throw earlierSessionError(id, "the object store");
    return entry;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Throws, naming `where`, for the first of the ids this store never held. */
  requireKnown(ids: Iterable<string>, where: string): void {
    for (const id of ids) if (!this.entries.has(id)) throw earlierSessionError(id, where);
  }

  settle(id: string, outcome: { value: Encoded } | { error: Error }): void {
    const entry = this.entries.get(id);
    if (!entry || entry.state !== "pending") return;
    if ("value" in outcome) {
      this.onValue(outcome.value);
      Object.assign(entry, { state: "ready", value: outcome.value });
    }
    else Object.assign(entry, { state: "failed", error: outcome.error });
    const waiters = entry.waiters;
    entry.waiters = undefined;
    if (waiters) for (const wake of waiters) wake();
  }

  /** Calls `wake` once the entry is settled (now, if it is). */
  onSettled(id: string, wake: () => void): void {
    const entry = this.lookup(id);
    if (entry.state !== "pending") wake();
    else (entry.waiters ??= []).push(wake);
  }

  /** Forgets a settled entry (a pending one stays: its task still settles it). */
  free(id: string): void {
    if (this.entries.get(id)?.state !== "pending") this.entries.delete(id);
  }

  /** Fails every pending entry (at shutdown: no ref stays pending forever). */
  failPending(error: () => Error): void {
    for (const [id, entry] of this.entries) if (entry.state === "pending") this.settle(id, { error: error() });
  }

  clear(): void {
    this.entries.clear();
  }
}
