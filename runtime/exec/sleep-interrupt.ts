// What wakes a blocking sleep (`time.sleep`) on this thread before its time: a flag in
// shared memory that another thread sets. A worker sets it for the task it runs, so that
// `ray.cancel` wakes a sleeping task; the kernel sets it for the cell's thread, so that an
// interrupt wakes a sleeping cell. The sleep itself is preload's; it reads the flag here,
// so that the runtime needs nothing from preload.

export interface SleepInterrupt {
  /** The shared cell a sleep waits on: a change wakes it. */
  flag: Int32Array;
  /** Which values of the flag interrupt: in a worker, only the mark of the task running now (a cancel meant for the task before must not stop the next one). */
  interrupts(value: number): boolean;
}

const isSet = (value: number) => value !== 0;
let current: SleepInterrupt | null = null;

export function setSleepInterruptFlag(flag: Int32Array | null, when: (value: number) => boolean = isSet): void {
  current = flag ? { flag, interrupts: when } : null;
}

/** The flag a sleep on this thread waits on; when no one set one, a flag of its own that nothing sets. */
export function sleepInterrupt(): SleepInterrupt {
  return current ?? { flag: new Int32Array(new SharedArrayBuffer(4)), interrupts: isSet };
}
