// What `tsray start` started on this machine, so that `ray.init({ address: "auto" })` finds
// the cluster and `tsray stop` stops exactly that: the address (with its password, so the
// file and its folder are the user's alone) and the processes' ids.
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

export interface StartedProcess {
  pid: number;
  role: "redis" | "node";
  /** The node agent's node id. */
  nodeId?: string;
}

export interface SessionFile {
  address: string;
  /** Whether this machine is the head (it runs the Redis server). */
  head: boolean;
  dashboardUrl?: string;
  processes: StartedProcess[];
}

/** TSRAY_SESSION_DIR moves it (tests, and users with two clusters). */
export function sessionDir(): string {
  return process.env.TSRAY_SESSION_DIR ?? join(tmpdir(), `tsray-${userInfo().uid}`);
}

export function sessionFilePath(): string {
  return join(sessionDir(), "cluster.json");
}

export function readSessionFile(): SessionFile | undefined {
  try {
    return JSON.parse(readFileSync(sessionFilePath(), "utf8")) as SessionFile;
  } catch {
    return undefined;
  }
}

export function writeSessionFile(session: SessionFile): void {
  mkdirSync(sessionDir(), { recursive: true, mode: 0o700 });
  chmodSync(sessionDir(), 0o700);
  writeFileSync(sessionFilePath(), JSON.stringify(session, null, 2) + "\n", { mode: 0o600 });
  chmodSync(sessionFilePath(), 0o600);
}

export function removeSessionFile(): void {
  rmSync(sessionFilePath(), { force: true });
}
