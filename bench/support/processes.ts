// Process helpers for benchmarks that start servers: spawn in a new process group, wait
// until ports listen, and kill the whole group (plus descendants that left it).
import { processAlive } from "../../runtime/cluster/launch/process-alive";
import { descendantsOf } from "../../client/process-tree";
import { ChildProcess, spawn, SpawnOptions } from "node:child_process";
import { readFileSync } from "node:fs";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Groups spawned here and not yet killed: killed when the benchmark process exits, however it exits. */
const live = new Set<ChildProcess>();

function killNow(child: ChildProcess): number[] {
  const pid = child.pid;
  if (pid === undefined) return [];
  const descendants = descendantsOf(pid);
  for (const target of [-pid, pid, ...descendants]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return descendants;
}

process.once("exit", () => {
  for (const child of live) killNow(child);
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => process.exit(130));
}

/** Spawns `command` as the leader of a new process group. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"], ...options, detached: true });
  live.add(child);
  return child;
}

/**
 * SIGKILLs the child's process group and every descendant found before (some servers put
 * their workers in groups of their own), then waits until all of them are gone.
 */
export async function killTree(child: ChildProcess, timeoutMs = 5000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const descendants = killNow(child);
  live.delete(child);
  await exited;
  const deadline = Date.now() + timeoutMs;
  while (descendants.some(processAlive)) {
    if (Date.now() > deadline) throw new Error(`processes ${descendants.filter(processAlive).join(", ")} outlived SIGKILL`);
    await sleep(10);
  }
}

/** Local TCP ports in LISTEN state, from /proc/net/tcp{,6}; null if /proc is not there. */
export function listeningPorts(): Set<number> | null {
  const ports = new Set<number>();
  let readAny = false;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    readAny = true;
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 3 && fields[3] === "0A") ports.add(parseInt(fields[1].split(":")[1], 16));
    }
  }
  return readAny ? ports : null;
}

/**
 * Resolves when all `ports` listen, polling /proc without touching the server (a probe
 * connection could disturb it). Where /proc is missing it resolves at once.
 */
export async function waitForListening(ports: number[], child: ChildProcess, timeoutMs: number, pollMs = 3): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const listening = listeningPorts();
    if (!listening || ports.every((port) => listening.has(port))) return;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the process exited (code ${child.exitCode})`);
    if (Date.now() > deadline) throw new Error(`ports ${ports.join(", ")} did not listen within ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}
