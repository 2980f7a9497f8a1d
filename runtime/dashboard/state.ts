// The dashboard's view of the runtime: one JSON-able snapshot of the node, its workers, the
// counts, the actors and the recent timeline, taken from the driver's backend (its view,
// whichever backend it is) at most ~10 times a second.
import type { DriverBackend } from "../core/backend";
import type { ActorSummary } from "../core/views";

/** The Gantt strip covers this many of the latest milliseconds. */
export const TIMELINE_WINDOW_MS = 30_000;
/** At most this many finished tasks in the strip. */
const TIMELINE_LIMIT = 1_500;

export type WorkerState = "starting" | "idle" | "running" | "waiting";

export interface DashboardState {
  /** Epoch ms at the driver when taken. */
  now: number;
  node: { id: string; address: string; hostname: string; pid: number; resources: Record<string, number>; available: Record<string, number> };
  workers: { id: number; state: WorkerState; task?: string; taskId?: number; since?: number; prefetched: number }[];
  counts: { queued: number; running: number; finished: number };
  actors: ActorSummary[];
  /** Finished tasks ending in the window: [row, name, start, end, ok] (rows: "worker 3", "actor Counter ..."). */
  timeline: { window: number; events: [string, string, number, number, boolean][] };
}

export function takeSnapshot(backend: DriverBackend): DashboardState {
  const now = Date.now();
  const view = backend.view();
  return {
    now,
    node: { id: view.id, address: view.address, hostname: view.hostname, pid: process.pid, resources: view.resources, available: view.available },
    workers: view.workers.map((w) => ({
      id: w.index,
      state: !w.ready ? "starting" : !w.task ? "idle" : w.lending ? "waiting" : "running",
      task: w.task?.name,
      taskId: w.task?.id,
      since: w.task?.since,
      prefetched: w.prefetched,
    })),
    counts: { queued: view.queued, running: view.running, finished: view.finished },
    actors: view.actors,
    timeline: {
      window: TIMELINE_WINDOW_MS,
      events: backend.recentTasks(now - TIMELINE_WINDOW_MS, TIMELINE_LIMIT).map((e) => [e.thread ?? `worker ${e.worker}`, e.name, Math.round(e.start), Math.round(e.end), e.ok]),
    },
  };
}
