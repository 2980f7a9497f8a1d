// `charts`, preloaded in every cell: Vega-Lite specs for the lessons' pictures, rendered
// to SVG in Node and shown in both forms.
import { ganttSpec } from "./gantt";
import { linesSpec } from "./lines";
import { renderSvg } from "./render";
import { showChart } from "./show";

export type { TaskSpan, GanttOptions } from "./gantt";
export type { LinePoint, LinesOptions } from "./lines";
export const charts = { gantt: ganttSpec, lines: linesSpec, svg: renderSvg, show: showChart };
