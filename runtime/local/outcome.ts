// How a task or an actor call ended, and what that does to its refs: each settles with its
// value (or all with the error; one settled already, by a cancel, stays as it is), and those
// nothing holds any more are freed at once (ref-counts.ts).
import type { Encoded } from "../core/codec";
import type { ObjectStore } from "./object-store";
import type { RefCounts } from "../core/ref-counts";

export type Outcome = { values: Encoded[] } | { error: Error };

export function settleRefs(store: ObjectStore, refs: RefCounts, ids: string[], outcome: Outcome): void {
  ids.forEach((id, i) => {
    store.settle(id, "values" in outcome ? { value: outcome.values[i] } : { error: outcome.error });
    refs.freeIfUnheld(id);
  });
}
