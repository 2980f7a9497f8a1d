// Shows a chart as one output holding both forms: JupyterLab draws the interactive
// Vega-Lite chart, and viewers without Vega show the SVG rendered here.
import { display, DisplayHandle } from "../display";
import { MimeBundle } from "../mime";
import { renderSvg } from "./render";

export async function showChart(spec: object): Promise<DisplayHandle<MimeBundle>> {
  const svg = await renderSvg(spec);
  return display.bundle({
    "application/vnd.vegalite.v5+json": spec,
    "image/svg+xml": svg,
    "text/plain": "<Vega-Lite chart>",
  });
}
