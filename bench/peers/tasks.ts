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

/**
 * Holds its worker `units` units of `unitS` seconds without using a CPU, as the lesson's
 * `time.sleep` does; returns when it started (epoch ms).
 */
export function sleepUnits([units, unitS]: [number, number]): number {
  const start = performance.timeOrigin + performance.now();
  if (units > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, units * unitS * 1000);
  return start;
}
