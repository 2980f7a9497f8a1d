// `ray.timeline()`: Chrome trace events ("X" complete events, microseconds) of the most
// recent 100,000 finished tasks (older ones are dropped, so that a long session's timeline
// stays bounded): each task's name, worker (as the thread), start and duration.
import { writeFileSync } from "node:fs";

export interface TimelineEvent {
  name: string;
  worker: number;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  ok: boolean;
  /** The trace's thread, when not a pool worker (an actor's own thread). */
  thread?: string;
}

export interface TraceEvent {
  name: string;
  cat: string;
  ph: "X";
  ts: number;
  dur: number;
  pid: string;
  tid: string;
  args: { worker: number; start: number; end: number; ok: boolean };
}

/** Oldest events are dropped past this many. */
const MAX_EVENTS = 100_000;

export class Timeline {
  private events: TimelineEvent[] = [];

  add(event: TimelineEvent): void {
    this.events.push(event);
    if (this.events.length > MAX_EVENTS * 1.5) this.events = this.events.slice(-MAX_EVENTS);
  }

  /** The tasks that ended at or after `since` (epoch ms), at most `limit` of the latest (the dashboard's Gantt strip). */
  recent(since: number, limit: number): TimelineEvent[] {
    const out: TimelineEvent[] = [];
    for (let i = this.events.length - 1; i >= 0 && out.length < limit; i--) {
      if (this.events[i].end >= since) out.push(this.events[i]);
      else if (this.events[i].start < since - 60_000) break;
    }
    return out.reverse();
  }

  trace(node: string): TraceEvent[] {
    return this.events.slice(-MAX_EVENTS).map((e) => ({
      name: e.name,
      cat: "task",
      ph: "X",
      ts: Math.round(e.start * 1000),
      dur: Math.round((e.end - e.start) * 1000),
      pid: `Node ${node}`,
      tid: e.thread ?? `worker ${e.worker}`,
      args: { worker: e.worker, start: e.start / 1000, end: e.end / 1000, ok: e.ok },
    }));
  }

  write(filename: string, node: string): void {
    writeFileSync(filename, JSON.stringify(this.trace(node), null, 1));
  }
}
