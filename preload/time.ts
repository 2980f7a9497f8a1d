// Python's `time`, as the lessons use it: sleep blocks the calling thread, which is
// what makes a sleeping task occupy its worker. What wakes it early (a cancel, an
// interrupt) is the runtime's sleep interrupt flag.
import { sleepInterrupt } from "../runtime/exec/sleep-interrupt";

/** An interrupt from the kernel, named as Python names it: what an interrupted cell reports. */
export class KeyboardInterrupt extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyboardInterrupt";
  }
}

function sleep(seconds: number): void {
  if (typeof seconds !== "number" || !(seconds >= 0)) {
    throw new TypeError(`time.sleep(seconds) needs a number of seconds >= 0, got ${String(seconds)}`);
  }
  const deadline = performance.now() + seconds * 1000;
  const { flag, interrupts } = sleepInterrupt();
  for (let left = seconds * 1000; left > 0; left = deadline - performance.now()) {
    const seen = Atomics.load(flag, 0);
    if (interrupts(seen)) throw new KeyboardInterrupt("time.sleep was interrupted");
    // Woken early when the flag changes; the next turn tells whether that interrupts.
    Atomics.wait(flag, 0, seen, left);
  }
}

export const time = {
  /** Seconds since the epoch, as a float (Python's time.time()). */
  time: (): number => (performance.timeOrigin + performance.now()) / 1000,
  /** Blocks the calling thread (a cell or a worker) for `seconds`. */
  sleep,
  /** A monotonic clock in seconds, for measuring durations. */
  perfCounter: (): number => performance.now() / 1000,
};
