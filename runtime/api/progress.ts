// A progress bar in the cell for a long `ray.get`: when a get in the kernel has waited a
// second, a bar ("3/8 ready, 2.1 s") is shown and updated in place (update_display_data) at
// most 4 times a second, then settles into one line ("8/8 ready in 4.0 s") when the get ends,
// or when the cell awaiting it is interrupted ("interrupted after 2.0 s"): the get's promise
// runs on then, but the cell has ended, and its output must not change any more.
// Only in the driver, and only with a frontend (a plain Node program prints nothing). How
// the bar looks and where it goes is preload's (the runtime needs nothing from preload).
import { isMainThread } from "node:worker_threads";
import type { DriverBackend } from "../core/backend";

/** Waits shorter than this show nothing. */
export const PROGRESS_AFTER_MS = 1_000;
const UPDATE_MS = 250;

export interface Progress {
  ready: number;
  total: number;
  seconds: number;
  done?: "ok" | "failed" | "interrupted";
}

/** Where progress is shown: preload registers the cell's (preload/get-progress.ts); without one, nothing is. */
export interface ProgressSink {
  /** Whether a frontend would show it now (plain Node prints nothing). */
  active(): boolean;
  /** Shows `progress`; the function returned replaces it in place. */
  show(progress: Progress): (progress: Progress) => void;
  /** Calls `stop` if the running cell is interrupted; the function returned forgets it (when the get has ended). */
  stopWhenCellInterrupted(stop: () => void): () => void;
}

let sink: ProgressSink | null = null;

export function setProgressSink(newSink: ProgressSink | null): void {
  sink = newSink;
}

/** Shows progress of `waiting` (a get of `ids`) in the cell if it takes long; returns it unchanged. */
export function withProgress<T>(backend: Pick<DriverBackend, "onSettled"> | undefined, ids: string[], waiting: Promise<T>): Promise<T> {
  const target = sink;
  if (!backend || !isMainThread || !target?.active()) return waiting;
  const started = Date.now();
  const unique = [...new Set(ids)];
  let ready = 0;
  let replace: ((progress: Progress) => void) | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let shown = "";
  const state = (done?: Progress["done"]): Progress => ({ ready, total: unique.length, seconds: (Date.now() - started) / 1000, done });
  const update = () => {
    const p = state();
    const key = `${p.ready}/${p.seconds.toFixed(1)}`;
    if (key === shown) return;
    shown = key;
    replace!(p);
  };
  const start = setTimeout(() => {
    for (const id of unique) {
      try {
        backend.onSettled(id, () => ready++);
      } catch {
        ready++; // freed already: it was settled
      }
    }
    replace = target.show(state());
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
    if (replace) replace(state(done));
  };
  const forget = target.stopWhenCellInterrupted(() => end("interrupted"));
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
