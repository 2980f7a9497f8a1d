// The dashboard's view of the runtime: one JSON-able snapshot of the nodes, their workers,
// the counts, the actors and the recent timeline, taken from the driver's backend (its
// views, whichever backend it is) at most ~10 times a second. On a cluster the resources
// are the alive nodes' sums, and each worker's row names its node.
import type { DriverBackend } from "../core/backend";
import { ActorSummary, NodeView, workerRow } from "../core/views";

/** The Gantt strip covers this many of the latest milliseconds. */
export const TIMELINE_WINDOW_MS = 30_000;
/** At most this many finished tasks in the strip. */
const TIMELINE_LIMIT = 1_500;

export type WorkerState = "starting" | "idle" | "running" | "waiting";

export interface DashboardState {
  /** Epoch ms at the driver when taken. */
  now: number;
  node: { id: string; address: string; hostname: string; pid: number; resources: Record<string, number>; available: Record<string, number> };
  /** Every node (one for the local backend). */
  nodes: { id: string; address: string; hostname: string; resources: Record<string, number>; available: Record<string, number>; workers: number }[];
  /** `row`: the worker's row in the timeline ("worker 3", or "worker 3 (node host/1a2b3c)" on a cluster). */
  workers: { id: number; row: string; state: WorkerState; task?: string; taskId?: number; since?: number; prefetched: number }[];
  counts: { queued: number; running: number; finished: number };
  actors: ActorSummary[];
  /** Finished tasks ending in the window: [row, name, start, end, ok] (rows: "worker 3", "actor Counter ..."). */
  timeline: { window: number; events: [string, string, number, number, boolean][] };
}

function sum(all: Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const resources of all) for (const [name, amount] of Object.entries(resources)) total[name] = (total[name] ?? 0) + amount;
  return total;
}

function workersOf(view: NodeView): DashboardState["workers"] {
  return view.workers.map((w) => ({
    id: w.index,
    row: workerRow(w.index, view.label),
    state: !w.ready ? "starting" : !w.task ? "idle" : w.lending ? "waiting" : "running",
    task: w.task?.name,
    taskId: w.task?.id,
    since: w.task?.since,
    prefetched: w.prefetched,
  }));
}

export function takeSnapshot(backend: DriverBackend): DashboardState {
  const now = Date.now();
  const views = backend.view();
  const first = views[0];
  const resources = views.length === 1 ? first.resources : sum(views.map((view) => view.resources));
  const available = views.length === 1 ? first.available : sum(views.map((view) => view.available));
  return {
    now,
    node: { id: first?.id ?? "", address: first?.address ?? "", hostname: first?.hostname ?? "", pid: process.pid, resources, available },
    nodes: views.map((view) => ({ id: view.id, address: view.address, hostname: view.hostname, resources: view.resources, available: view.available, workers: view.workers.length })),
    workers: views.flatMap(workersOf),
    counts: {
      queued: views.reduce((n, view) => n + view.queued, 0),
      running: views.reduce((n, view) => n + view.running, 0),
      finished: views.reduce((n, view) => n + view.finished, 0),
    },
    actors: views.flatMap((view) => view.actors),
    timeline: {
      window: TIMELINE_WINDOW_MS,
      events: backend.recentTasks(now - TIMELINE_WINDOW_MS, TIMELINE_LIMIT).map((e) => [e.thread ?? workerRow(e.worker), e.name, Math.round(e.start), Math.round(e.end), e.ok]),
    },
  };
}
