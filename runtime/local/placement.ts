// Where a task goes among the pool's workers: an idle one for a task that starts now, and,
// for a short task sent ahead (prefetch.ts), the busy worker with the fewest tasks waiting
// whose running task is itself short. Pure choices over the slots: the dispatcher acts on them.
import { PREFETCH_WINDOW } from "./prefetch";
import type { WorkerSlot } from "./worker-slot";

export interface Placement {
  /** A worker to start a task on now. */
  idle(slots: readonly WorkerSlot[]): WorkerSlot | undefined;
  /** A busy worker to send a short task ahead to; `shortHead` says if a worker's running task is short. */
  ahead(slots: readonly WorkerSlot[], shortHead: (slot: WorkerSlot) => boolean): WorkerSlot | undefined;
}

export const leastLoaded: Placement = {
  idle: (slots) => slots.find((slot) => slot.ready && slot.assigned.length === 0),
  ahead(slots, shortHead) {
    let target: WorkerSlot | undefined;
    for (const slot of slots) {
      if (!slot.ready || slot.lending || slot.assigned.length === 0 || slot.assigned.length > PREFETCH_WINDOW) continue;
      if (!shortHead(slot)) continue;
      if (!target || slot.assigned.length < target.assigned.length) target = slot;
    }
    return target;
  },
};
