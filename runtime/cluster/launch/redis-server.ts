// The head's Redis: the `redis-server` on PATH, started with a freshly generated password
// (never without one), bound to loopback unless told otherwise, keeping nothing on disk (a
// cluster's state lives as long as its head). Its one line of failure says what to do.
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync } from "node:fs";
import { Redis } from "ioredis";

/** BullMQ's scripts need Redis 6.2 or later. */
const MIN_VERSION = [6, 2];
const START_TIMEOUT_MS = 10_000;

export class RedisServerError extends Error {}

export interface RedisServer {
  pid: number;
  port: number;
  bind: string;
  password: string;
  process: ChildProcess;
}

function installHint(): string {
  return "install it (Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`) and try again";
}

/** The version of the redis-server on PATH, or the error to show. */
function redisServerVersion(): number[] {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) throw new RedisServerError(`no redis-server on PATH: ${installHint()}`);
  const match = /v=(\d+)\.(\d+)/.exec(probe.stdout);
  return match ? [Number(match[1]), Number(match[2])] : [0, 0];
}

function requireVersion(): void {
  const [major, minor] = redisServerVersion();
  if (major < MIN_VERSION[0] || (major === MIN_VERSION[0] && minor < MIN_VERSION[1])) {
    throw new RedisServerError(`redis-server ${major}.${minor} is too old: tsray needs ${MIN_VERSION.join(".")} or later; ${installHint()}`);
  }
}

async function acceptsConnections(port: number, bind: string, password: string, child: ChildProcess, log: () => string): Promise<void> {
  const host = bind === "0.0.0.0" ? "127.0.0.1" : bind === "::" ? "::1" : bind;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new RedisServerError(`redis-server exited at start (code ${child.exitCode}): ${log().trim().split("\n").slice(-3).join(" | ")}`);
    const probe = new Redis({ host, port, password, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on("error", () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      probe.disconnect();
    }
  }
  throw new RedisServerError(`redis-server did not accept connections on ${bind}:${port} within ${START_TIMEOUT_MS / 1000} s`);
}

/** Starts it in its own process group (it outlives the command that started it), its log in `logFile`. */
export async function startRedisServer(port: number, bind: string, logFile: string): Promise<RedisServer> {
  requireVersion();
  const password = randomBytes(24).toString("hex");
  const args = ["--port", String(port), "--bind", bind, "--protected-mode", "yes", "--save", "", "--appendonly", "no", "--daemonize", "no"];
  const log = openSync(logFile, "a", 0o600);
  // The password on stdin (read as its config file), never on the command line, where `ps` shows it.
  const child = spawn("redis-server", ["-", ...args], { stdio: ["pipe", log, log], detached: true });
  closeSync(log);
  child.stdin!.end(`requirepass ${password}\n`);
  child.on("error", () => undefined); // seen as an early exit below
  try {
    await acceptsConnections(port, bind, password, child, () => readFileSync(logFile, "utf8"));
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  child.unref();
  return { pid: child.pid!, port, bind, password, process: child };
}
