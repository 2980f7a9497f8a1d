// Whether a process runs: it exists and is no zombie (a killed child stays one until its
// parent reaps it, and `kill -0` still finds it). Linux reads /proc; elsewhere `kill -0`.
import { readFileSync } from "node:fs";

export function processAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}
