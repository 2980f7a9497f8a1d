// The work every pool runs in the runtime benchmark, as plain functions each peer's worker
// exposes in its own way.

/** The tiny task: the cost measured is the pool's, not the work's. */
export function inc(x: number): number {
  return x + 1;
}

/** When the array reached the task (epoch ms) and whether it is shared memory, not a copy. */
export function probe(array: Float64Array): [shared: boolean, reachedAt: number, length: number] {
  return [array.buffer instanceof SharedArrayBuffer, performance.timeOrigin + performance.now(), array.length];
}
