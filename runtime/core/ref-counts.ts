// Reference counting, as Ray does it, so that a long session does not keep every object it
// ever made (every backend's driver counts this way): a settled object is freed once
// nothing can ask for it any more. Its holders:
//   - live ObjectRef instances in the driver's thread: ObjectRef tells the driver of each one
//     made (by `.remote()`, `put`, or decoding a value) and a FinalizationRegistry of when
//     it is collected; several instances may share an id, so they are counted per id;
//   - queued tasks that take it as a top-level argument, until its value is in their
//     arguments (the task then holds the value itself), and pending `get`s and `wait`s:
//     pins, counted the same way;
//   - values and workers that know its id: an id found inside a stored value, a task's
//     arguments or captured data, or minted by a worker (its nested tasks and puts) is
//     "escaped" and never freed before shutdown. Counting those exactly would need every
//     worker to report its own refs' lifetimes and every stored value to count its nested
//     refs until the value itself is freed (Ray's borrower protocol); the conservative rule
//     is simple and cannot free anything still reachable, and the common case (tasks and
//     puts of plain data, refs dropped by the caller) is freed exactly.
import type { ObjectRef } from "./object-ref";

export class RefCounts {
  private readonly holders = new Map<string, number>();
  private readonly escaped = new Set<string>();
  private readonly registry = new FinalizationRegistry<string>((id) => this.release(id));

  /** `free(id)`: nothing holds the object any more (the store keeps it if still pending). */
  constructor(private readonly free: (id: string) => void) {}

  /** An ObjectRef made in the driver's thread: held until it is collected. */
  track(ref: ObjectRef): void {
    this.hold(ref.id);
    this.registry.register(ref, ref.id);
  }

  hold(id: string): void {
    this.holders.set(id, (this.holders.get(id) ?? 0) + 1);
  }

  release(id: string): void {
    const count = this.holders.get(id);
    if (count === undefined) return;
    if (count > 1) return void this.holders.set(id, count - 1);
    this.holders.delete(id);
    this.freeIfUnheld(id);
  }

  escape(ids: Iterable<string>): void {
    for (const id of ids) this.escaped.add(id);
  }

  /** Frees the object if nothing holds it (called again once a pending object settles). */
  freeIfUnheld(id: string): void {
    if (!this.holders.has(id) && !this.escaped.has(id)) this.free(id);
  }
}
