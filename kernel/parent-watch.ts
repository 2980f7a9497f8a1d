// The kernel ends itself when the process that started it is gone: a client killed with
// -9 never sends shutdown_request, and its kernel would run on, orphaned, forever. As
// ipykernel does, the kernel watches JPY_PARENT_PID (jupyter_client sets it to its own
// pid), or else its parent process.
import { readFileSync } from "node:fs";

const POLL_MS = 1000;

export interface WatchedParent {
  pid: number;
  /** Whether that pid is this process's parent (then being re-parented also means it died). */
  direct: boolean;
}

export function parentToWatch(env: NodeJS.ProcessEnv = process.env): WatchedParent {
  const declared = Number(env.JPY_PARENT_PID);
  const pid = Number.isInteger(declared) && declared > 0 ? declared : process.ppid;
  return { pid, direct: pid === process.ppid };
}

/** Calls `onGone` once, within about a second of the parent's end. */
export function watchParent(parent: WatchedParent, onGone: () => void): void {
  const timer = setInterval(() => {
    if (!isGone(parent)) return;
    clearInterval(timer);
    onGone();
  }, POLL_MS);
  timer.unref();
}

function isGone({ pid, direct }: WatchedParent): boolean {
  // Its pid may already be reused; being re-parented tells for sure.
  if (direct && process.ppid !== pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  return isZombie(pid);
}

/** A killed process its own parent has not reaped yet still answers signal 0. */
function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
