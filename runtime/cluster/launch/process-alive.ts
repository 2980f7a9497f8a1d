// Whether a process runs: it exists and is no zombie (a killed child stays one until its
// parent reaps it, and `kill -0` still finds it). Linux reads /proc; elsewhere `kill -0`.
import { readFileSync } from "node:fs";

/** Whether the process table still holds it, zombie or not (`kill -0`). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function processAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return processExists(pid);
  }
}
