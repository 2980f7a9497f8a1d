// `tsray stop`: stops exactly what `tsray start` started on this machine, as its session
// file lists it: the node agents first (they remove their keys from Redis as they go),
// then the head's Redis. Each gets SIGTERM, then SIGKILL if it is still there after
// STOP_WAIT_MS. A pid is signalled only while its command line is still ours: pids get
// reused, and a stale session file must not make us kill someone else's process.
import { existsSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { readSessionFile, removeSessionFile, sessionDir, StartedProcess } from "../runtime/cluster/session-file";

const STOP_WAIT_MS = 5000;
const POLL_MS = 50;

/** What each role's command line contains (redis-server keeps its name in its title). */
const SIGNATURES: Record<StartedProcess["role"], string> = { redis: "redis-server", node: "node/main.js" };

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    if (existsSync("/proc/self")) return undefined; // Linux: no such process
    const ps = spawnSync("ps", ["-p", String(pid), "-o", "command="], { encoding: "utf8" }); // macOS
    return ps.status === 0 ? ps.stdout : undefined;
  }
}

/** Whether `process` is running and is still the one `tsray start` started. */
export function isRunning(process: StartedProcess): boolean {
  if (!Number.isInteger(process.pid) || process.pid <= 1) return false;
  return commandLine(process.pid)?.includes(SIGNATURES[process.role]) ?? false;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone meanwhile
  }
}

async function waitUntilGone(processes: StartedProcess[], ms: number): Promise<StartedProcess[]> {
  const deadline = Date.now() + ms;
  let left = processes.filter(isRunning);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    left = left.filter(isRunning);
  }
  return left;
}

/** SIGTERM, then SIGKILL for what outlives STOP_WAIT_MS; the ones that were running. */
export async function stopProcesses(processes: StartedProcess[]): Promise<{ stopped: StartedProcess[]; killed: StartedProcess[] }> {
  const stopped = processes.filter(isRunning);
  stopped.forEach((started) => signal(started.pid, "SIGTERM"));
  const killed = await waitUntilGone(stopped, STOP_WAIT_MS);
  killed.filter(isRunning).forEach((started) => signal(started.pid, "SIGKILL"));
  await waitUntilGone(killed, 1000);
  return { stopped, killed };
}

function describe(started: StartedProcess, killed: StartedProcess[]): string {
  const what = started.role === "redis" ? "Redis" : `node ${started.nodeId?.slice(0, 12) ?? "?"}`;
  return `${what} (pid ${started.pid}${killed.includes(started) ? ", killed after 5 s" : ""})`;
}

export async function stopCommand(): Promise<void> {
  const session = readSessionFile();
  if (!session) {
    console.log(`Nothing to stop: no tsray cluster was started on this machine (no session file in ${sessionDir()}).`);
    return;
  }
  const nodes = await stopProcesses(session.processes.filter((started) => started.role === "node"));
  const redis = await stopProcesses(session.processes.filter((started) => started.role === "redis"));
  removeSessionFile();
  const stopped = [...nodes.stopped, ...redis.stopped];
  const killed = [...nodes.killed, ...redis.killed];
  const gone = session.processes.length - stopped.length;
  const already = gone > 0 ? ` (${gone} of its processes had already exited)` : "";
  if (stopped.length === 0) console.log(`Stopped nothing: the processes tsray start started here had all exited. Removed the session file.`);
  else console.log(`Stopped ${stopped.map((started) => describe(started, killed)).join(", ")}${already}.`);
}
