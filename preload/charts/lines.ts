// A line chart as a Vega-Lite spec: one line per series through its (x, y) points, with
// optional log scales (lesson 03 compares local and remote timings on log-log axes).

export interface LinePoint {
  /** The line the point belongs to, e.g. "local" or "remote". */
  series: string;
  x: number;
  y: number;
}

export interface LinesOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
}

export function linesSpec(points: LinePoint[], options: LinesOptions = {}): Record<string, unknown> {
  const scale = (log: boolean | undefined) => (log ? { type: "log" } : { zero: false });
  return {
    title: options.title ?? "",
    width: options.width ?? 480,
    height: options.height ?? 300,
    data: { values: points.map(({ series, x, y }) => ({ series, x, y })) },
    encoding: {
      x: { field: "x", type: "quantitative", title: options.xTitle ?? "x", scale: scale(options.logX) },
      y: { field: "y", type: "quantitative", title: options.yTitle ?? "y", scale: scale(options.logY) },
      color: { field: "series", type: "nominal", title: null },
    },
    layer: [
      { mark: { type: "line" } },
      {
        mark: { type: "point", filled: true },
        encoding: {
          tooltip: [
            { field: "series", type: "nominal" },
            { field: "x", type: "quantitative" },
            { field: "y", type: "quantitative", format: ".3g" },
          ],
        },
      },
    ],
  };
}
