// A progress bar in the cell for a long `ray.get`: when a get in the kernel has waited a
// second, a bar ("3/8 ready, 2.1 s") is shown and updated in place (update_display_data) at
// most 4 times a second, then settles into one line ("8/8 ready in 4.0 s") when the get ends,
// or when the cell awaiting it is interrupted ("interrupted after 2.0 s"): the get's promise
// runs on then, but the cell has ended, and its output must not change any more.
// Only in the driver, and only with a frontend (a plain Node program prints nothing).
import { isMainThread } from "node:worker_threads";
import { DisplayHandle, hasDisplaySink } from "../preload/display";
import { stopWhenCellInterrupted } from "../preload/cell-interrupts";
import type { ObjectStore } from "./object-store";

/** Waits shorter than this show nothing. */
export const PROGRESS_AFTER_MS = 1_000;
const UPDATE_MS = 250;

interface Progress {
  ready: number;
  total: number;
  seconds: number;
  done?: "ok" | "failed" | "interrupted";
}

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

/** Shows progress of `waiting` (a get of `ids`) in the cell if it takes long; returns it unchanged. */
export function withProgress<T>(store: ObjectStore | undefined, ids: string[], waiting: Promise<T>): Promise<T> {
  if (!store || !isMainThread || !hasDisplaySink()) return waiting;
  const started = Date.now();
  const unique = [...new Set(ids)];
  let ready = 0;
  let handle: DisplayHandle<Progress> | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let shown = "";
  const state = (done?: Progress["done"]): Progress => ({ ready, total: unique.length, seconds: (Date.now() - started) / 1000, done });
  const update = () => {
    const p = state();
    const key = `${p.ready}/${p.seconds.toFixed(1)}`;
    if (key === shown) return;
    shown = key;
    handle!.update(p);
  };
  const start = setTimeout(() => {
    for (const id of unique) {
      try {
        store.onSettled(id, () => ready++);
      } catch {
        ready++; // freed already: it was settled
      }
    }
    handle = new DisplayHandle(render).show(state());
    ticker = setInterval(update, UPDATE_MS);
    ticker.unref();
  }, PROGRESS_AFTER_MS);
  start.unref();
  let ended = false;
  const end = (done: Progress["done"]) => {
    if (ended) return;
    ended = true;
    forget();
    clearTimeout(start);
    clearInterval(ticker);
    if (handle) handle.update(state(done));
  };
  const forget = stopWhenCellInterrupted(() => end("interrupted"));
  return waiting.then(
    (value) => {
      end("ok");
      return value;
    },
    (error) => {
      end("failed");
      throw error;
    }
  );
}
