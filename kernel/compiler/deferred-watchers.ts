// TypeScript's watch program (under tslab's converter) sets up a file system watcher for
// each file it reads and for each folder where module resolution looked and found
// nothing, so that it notices new and changed modules. At start that is hundreds of
// watchers, about 0.1 s before the first cell can run. They can wait: until `start`,
// watchers are only noted, and set up then.
import type * as TS from "typescript";

type Watch<A extends unknown[]> = (...args: A) => TS.FileWatcher;

export class DeferredWatchers {
  private pending: (() => void)[] | null = [];

  /** `watch`, noting instead of watching until `start`. */
  defer<A extends unknown[]>(watch: Watch<A>): Watch<A> {
    return (...args) => {
      const pending = this.pending;
      if (!pending) return watch(...args);
      let watcher: TS.FileWatcher | undefined;
      let closed = false;
      pending.push(() => {
        if (!closed) watcher = watch(...args);
      });
      return {
        close: () => {
          closed = true;
          watcher?.close();
        },
      };
    };
  }

  /** Sets up the watchers noted so far; later ones are set up when asked for. */
  start(): void {
    const pending = this.pending ?? [];
    this.pending = null;
    for (const setUp of pending) setUp();
  }
}

/** Defers the watchers of TypeScript's `sys`, which tslab's converter watches through. */
export function deferWatchersOf(sys: TS.System): DeferredWatchers {
  const watchers = new DeferredWatchers();
  if (sys.watchFile) sys.watchFile = watchers.defer(sys.watchFile.bind(sys));
  if (sys.watchDirectory) sys.watchDirectory = watchers.defer(sys.watchDirectory.bind(sys));
  return watchers;
}
