// Keeps a graded kernel from filling the machine's memory: twice a second it sums the
// resident memory of the kernel's descendants (the executor running the cells, with its
// worker threads, and whatever a cell spawned) and kills them past the limit. The kernel
// then reports its executor killed and starts a new one. V8's own heap limit would not
// do: it misses Buffers and child processes. Linux only (it reads /proc);
// elsewhere nothing is watched.
import { readFileSync } from "node:fs";
import { descendantsOf } from "../../client/process-tree";

const EVERY_MS = 500;

function residentMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return Number(kb ?? 0) / 1024;
  } catch {
    return 0;
  }
}

export interface MemoryWatch {
  /** Whether the limit was hit since the last call (and resets that). */
  tookHit(): boolean;
  stop(): void;
}

/** Watches the processes under `pid()` (read each time: a restarted kernel has a new one). */
export function watchMemory(pid: () => number | undefined, limitMb: number): MemoryWatch {
  let hit = false;
  const check = () => {
    const kernel = pid();
    if (kernel === undefined) return;
    const below = descendantsOf(kernel);
    if (below.reduce((sum, p) => sum + residentMb(p), 0) <= limitMb) return;
    hit = true;
    for (const p of below) {
      try {
        process.kill(p, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  const timer = process.platform === "linux" ? setInterval(check, EVERY_MS) : undefined;
  timer?.unref();
  return {
    tookHit() {
      const was = hit;
      hit = false;
      return was;
    },
    stop: () => clearInterval(timer),
  };
}
