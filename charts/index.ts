// `charts`, preloaded in every cell: Vega-Lite specs for the lessons' pictures, rendered
// to SVG in Node and shown in both forms.
import { ganttSpec } from "./gantt";
import { renderSvg } from "./render";
import { showChart } from "./show";

export type { TaskSpan, GanttOptions } from "./gantt";
export const charts = { gantt: ganttSpec, svg: renderSvg, show: showChart };
