// A pool worker as the dashboard shows it (core/views.ts): started or not, the task it runs
// and since when, whether that task is blocked in `get`, and how many tasks wait behind it.
import type { WorkerView } from "../core/views";
import type { TaskTable } from "./task-table";
import type { WorkerSlot } from "./worker-slot";

export function workerView(slot: WorkerSlot, tasks: TaskTable): WorkerView {
  const head = tasks.get(slot.assigned[0]);
  const task = head ? { id: head.id, name: head.name, since: head.startedAt ?? Date.now() } : undefined;
  return { index: slot.index, ready: slot.ready, lending: slot.lending, task, prefetched: Math.max(0, slot.assigned.length - 1) };
}
