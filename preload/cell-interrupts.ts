// What a cell started that has to stop when the cell is interrupted, although the promise
// behind it runs on: the progress bar of a `ray.get` the interrupted cell no longer awaits.
// The kernel ties each stop to the cell running when it was registered; in plain Node no
// one interrupts a cell, and a registered stop is never called.

/** Registers `stop` for the running cell; returns a function that forgets it. */
export type StopRegistry = (stop: () => void) => () => void;

const neverInterrupted: StopRegistry = () => () => undefined;
let registry: StopRegistry = neverInterrupted;

export function setStopRegistry(newRegistry: StopRegistry | null): void {
  registry = newRegistry ?? neverInterrupted;
}

/** Calls `stop` if the running cell is interrupted; the returned function forgets it (when what it stops has ended). */
export function stopWhenCellInterrupted(stop: () => void): () => void {
  return registry(stop);
}
