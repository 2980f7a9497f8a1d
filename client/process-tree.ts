// The processes running under a pid, from Linux's /proc: what the grader's memory watch
// sums and kills, and what the benchmarks measure and clean up. A child that left its
// parent's process group is still found (its parent link is what counts).
import { readdirSync, readFileSync } from "node:fs";

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/** Every live descendant of `pid` (empty where there is no /proc). */
export function descendantsOf(pid: number): number[] {
  let pids: number[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const candidate of pids) {
    const parent = parentOf(candidate);
    if (parent === undefined) continue;
    children.set(parent, [...(children.get(parent) ?? []), candidate]);
  }
  const found: number[] = [];
  const stack = [pid];
  while (stack.length) {
    for (const child of children.get(stack.pop() as number) ?? []) {
      found.push(child);
      stack.push(child);
    }
  }
  return found;
}
