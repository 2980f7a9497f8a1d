// Waiting for a submission's ref arguments: one resolver for tasks and actor calls alike.
// At submission each top-level ref argument is held (ref-counts.ts) as a dependency; refs
// nested deeper travel as refs and escape. Before the task or call runs, each dependency is
// replaced by its value, in order, and let go: the first one still pending makes it wait
// (it is woken once that one settles), a failed one fails it.
import { Encoded, refIdOf, refIdsIn } from "../core/codec";
import type { ObjectStore } from "./object-store";
import type { RefCounts } from "../core/ref-counts";

export interface Dependency {
  /** The argument's position. */
  at: number;
  id: string;
}

/** A task or call waiting for its arguments. */
export interface Dependent {
  args: Encoded[];
  deps: Dependency[];
  /** The dependency whose settling wakes it (subscribed once). */
  waitingOn?: string;
}

/** Shared by the many submissions with no ref arguments (never added to). */
export const NO_DEPENDENCIES: readonly Dependency[] = Object.freeze([]);

export type Resolution = { state: "ready" } | { state: "waiting" } | { state: "failed"; error: Error };

const READY: Resolution = { state: "ready" };
const WAITING: Resolution = { state: "waiting" };

export class DependencyResolver {
  constructor(private readonly store: ObjectStore, private readonly refs: RefCounts) {}

  /** The arguments' top-level refs, each held until it is replaced by its value. */
  collect(args: Encoded[]): Dependency[] {
    let deps = NO_DEPENDENCIES as Dependency[];
    args.forEach((arg, at) => {
      if (!arg.hasRefs) return;
      const id = refIdOf(arg);
      if (id === undefined) return this.refs.escape(refIdsIn(arg));
      if (deps === NO_DEPENDENCIES) deps = [];
      deps.push({ at, id });
      this.refs.hold(id);
    });
    return deps;
  }

  /** Replaces the settled dependencies by their values; `wake` is called when the one it waits for settles. */
  resolve(item: Dependent, wake: () => void): Resolution {
    while (item.deps.length > 0) {
      const { at, id } = item.deps[0];
      const entry = this.store.lookup(id);
      if (entry.state === "pending") {
        if (item.waitingOn !== id) {
          item.waitingOn = id;
          this.store.onSettled(id, wake);
        }
        return WAITING;
      }
      if (entry.state === "failed") return { state: "failed", error: entry.error! };
      item.args[at] = entry.value!;
      // It holds the value itself from now on, not the object.
      item.deps.shift();
      this.refs.release(id);
    }
    return READY;
  }

  /** Lets go of the dependencies it never received (it failed or was cancelled first). */
  release(item: Dependent): void {
    for (const dep of item.deps) this.refs.release(dep.id);
    item.deps = NO_DEPENDENCIES as Dependency[];
  }
}
