// How a long `ray.get`'s progress looks in the cell (see runtime/progress.ts for when it is
// shown): a bar and a line of text, shown and replaced in place through `display`, and
// settled when the cell awaiting it is interrupted. Preload registers it with the runtime.
import type { Progress, ProgressSink } from "../runtime/api/progress";
import { DisplayHandle, hasDisplaySink } from "./display";
import { stopWhenCellInterrupted } from "./cell-interrupts";

function settledText(p: Progress): string {
  const ready = `${p.ready}/${p.total} ready`;
  const seconds = `${p.seconds.toFixed(1)} s`;
  if (p.done === "ok") return `ray.get: ${ready} in ${seconds}`;
  if (p.done === "failed") return `ray.get: stopped after ${seconds} (${ready})`;
  return `ray.get: interrupted after ${seconds} (${ready})`;
}

const COLOURS = { ok: "#16a34a", failed: "#dc2626", interrupted: "#6b7280" };

function render(p: Progress) {
  const width = 30;
  const filled = p.total > 0 ? Math.round((width * p.ready) / p.total) : width;
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
  const text = p.done ? settledText(p) : `ray.get: ${bar} ${p.ready}/${p.total} ready, ${p.seconds.toFixed(1)} s`;
  const pct = p.total > 0 ? (100 * p.ready) / p.total : 100;
  const colour = p.done ? COLOURS[p.done] : "#2563eb";
  const html =
    `<div class="tsray-progress" data-done="${p.done ?? ""}" style="font:12px/1.6 system-ui,sans-serif;color:#555;display:flex;align-items:center;gap:8px">` +
    `<div style="width:220px;height:8px;background:#e5e7eb;border-radius:4px;overflow:hidden"><div style="width:${pct.toFixed(1)}%;height:100%;background:${colour}"></div></div>` +
    `<span>${text.slice("ray.get: ".length).replace(/^\[[#-]*\] /, "")}</span></div>`;
  return { "text/html": html, "text/plain": text };
}

export const cellProgress: ProgressSink = {
  active: hasDisplaySink,
  show(progress) {
    const handle = new DisplayHandle(render).show(progress);
    return (next) => handle.update(next);
  },
  stopWhenCellInterrupted,
};
