// A Gantt chart of task runs as a Vega-Lite spec: one row per worker, one bar per task
// from its start to its end, in seconds since the first task started (or `since`).

/** The fields of a `ray.timeline()` event (Chrome trace, microseconds) that the chart uses. */
export interface TaskSpan {
  name: string;
  /** Start, epoch microseconds. */
  ts: number;
  /** Duration, microseconds. */
  dur: number;
  /** The worker, e.g. "worker 0". */
  tid: string;
}

export interface GanttOptions {
  title?: string;
  /** Epoch seconds (as `time.time()`) to measure from; the earliest start by default. */
  since?: number;
  width?: number;
}

/**
 * Workers sort by node ("worker 2 (node host/1a2b3c)" on a cluster), then by number, not as
 * text ("worker 10" after "worker 9").
 */
function workerOrder(spans: TaskSpan[]): string[] {
  const node = (tid: string) => /\(node ([^)]+)\)/.exec(tid)?.[1] ?? "";
  const number = (tid: string) => Number(/\d+/.exec(tid)?.[0] ?? NaN);
  return [...new Set(spans.map((span) => span.tid))].sort((a, b) => node(a).localeCompare(node(b)) || number(a) - number(b) || a.localeCompare(b));
}

export function ganttSpec(spans: TaskSpan[], options: GanttOptions = {}): Record<string, unknown> {
  const origin = options.since ?? Math.min(...spans.map((span) => span.ts / 1e6));
  const values = spans.map((span, index) => {
    const start = span.ts / 1e6 - origin;
    const seconds = span.dur / 1e6;
    return { task: `${span.name} #${index}`, worker: span.tid, start, middle: start + seconds / 2, end: start + seconds, seconds };
  });
  const workers = workerOrder(spans);
  // A label needs room: on a bar shorter than this it would spill over the axis labels.
  const shortestLabelled = Math.max(...values.map((value) => value.end), 0) * 0.04;
  const time = { field: "start", type: "quantitative", title: "seconds since start" };
  return {
    title: options.title ?? "Tasks per worker",
    width: options.width ?? 480,
    height: { step: 28 },
    data: { values },
    // Room for a cluster's rows ("worker 2 (node host/1a2b3c)"); Vega-Lite cuts labels at 180 px.
    encoding: { y: { field: "worker", type: "nominal", title: null, sort: workers, axis: { labelLimit: 320 } } },
    layer: [
      {
        mark: { type: "bar", stroke: "white", strokeWidth: 1, cornerRadius: 2 },
        encoding: {
          x: time,
          x2: { field: "end" },
          // Light enough at the long end for the black labels to stay readable.
          color: { field: "seconds", type: "quantitative", title: "task length (s)", scale: { range: ["#deebf7", "#4292c6"], domainMin: 0 } },
          tooltip: [
            { field: "task", type: "nominal" },
            { field: "worker", type: "nominal" },
            { field: "start", type: "quantitative", format: ".2f" },
            { field: "end", type: "quantitative", format: ".2f" },
          ],
        },
      },
      {
        // The task length, written in the middle of its bar (bars wide enough for it).
        transform: [{ filter: `datum.seconds >= ${shortestLabelled}` }],
        mark: { type: "text", fontSize: 10 },
        encoding: { x: { field: "middle", type: "quantitative" }, text: { field: "seconds", type: "quantitative", format: ".1f" } },
      },
    ],
  };
}
