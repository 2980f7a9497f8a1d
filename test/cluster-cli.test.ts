// `tsray start / status / stop`, run as users run them (`node bin/tsray.js ...`), each test
// with a session folder and ports of its own, against the real redis-server and node
// agents. Whatever a test started is killed after it, even when it fails.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePorts } from "../client/free-ports";
import { TSRAY_BIN } from "../client/tsray-bin";
import type { SessionFile, StartedProcess } from "../runtime/cluster/session-file";

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function tsray(args: string[], sessionDir: string, env: NodeJS.ProcessEnv = {}): Ran {
  const { TSRAY_ADDRESS: _ignored, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [TSRAY_BIN, ...args], {
    env: { ...inherited, TSRAY_SESSION_DIR: sessionDir, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function sessionOf(dir: string): SessionFile | undefined {
  const path = join(dir, "cluster.json");
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as SessionFile) : undefined;
}

/** The password and port of a head's Redis, from its session file. */
function redisOf(session: SessionFile): { port: number; password: string } {
  const url = new URL(session.address);
  return { port: Number(url.port), password: decodeURIComponent(url.password) };
}

/** Running, and still the redis-server or node agent it was (a zombie or a reused pid is not). */
function running(started: StartedProcess): boolean {
  try {
    const state = readFileSync(`/proc/${started.pid}/stat`, "utf8").replace(/^.*\) /, "")[0];
    const command = readFileSync(`/proc/${started.pid}/cmdline`, "utf8");
    return state !== "Z" && state !== "X" && command.includes(started.role === "redis" ? "redis-server" : "node/main.js");
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** The rows of `tsray status`'s table: id, hostname, address, state, CPUs, free, running, actors. */
function statusRows(stdout: string): string[][] {
  return stdout
    .split("\n")
    .filter((line) => /^[0-9a-f]{12}\s/.test(line))
    .map((line) => line.trim().split(/\s+/).slice(0, 8));
}

async function withRedis<T>(session: SessionFile, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ ...redisOf(session), host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/** The node's record, and its own keys (its heartbeat, its view, its stream of jobs). */
async function nodeKeys(redis: Redis, nodeId: string): Promise<{ registered: boolean; alive: boolean; own: string[] }> {
  return {
    registered: (await redis.hexists("tsray:nodes", nodeId)) === 1,
    alive: (await redis.exists(`tsray:node:${nodeId}:alive`)) === 1,
    own: (await redis.keys(`tsray:node:${nodeId}:*`)).sort(),
  };
}

describe("tsray start / status / stop", function () {
  this.timeout(30_000);
  let dirs: string[] = [];
  let seen: StartedProcess[] = [];

  /** A session folder for this test; what its session file lists is killed afterwards. */
  function sessionDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "tsray-cluster-cli-"));
    dirs.push(dir);
    return dir;
  }

  /** Records the processes of `dir`'s session file for the cleanup, and returns the file. */
  function session(dir: string): SessionFile | undefined {
    const file = sessionOf(dir);
    file?.processes.forEach((started) => seen.push(started));
    return file;
  }

  function startHead(dir: string, port: number, numCpus: number): { ran: Ran; session: SessionFile; joinAddress: string } {
    const ran = tsray(["start", "--head", "--port", String(port), "--num-cpus", String(numCpus)], dir);
    const file = session(dir);
    expect(ran.status, ran.stderr + ran.stdout).to.equal(0);
    const joinAddress = /tsray start --address (\S+)/.exec(ran.stdout)?.[1];
    expect(joinAddress, ran.stdout).to.be.a("string");
    return { ran, session: file!, joinAddress: joinAddress! };
  }

  afterEach(async () => {
    for (const dir of dirs) session(dir);
    const ours = seen.filter(running);
    // Nodes first, so that they may still unregister; then Redis. SIGKILL for what lingers.
    for (const role of ["node", "redis"] as const) {
      const group = ours.filter((started) => started.role === role);
      group.forEach((started) => process.kill(started.pid, "SIGTERM"));
      if (!(await waitUntil(() => !group.some(running), 3000))) group.filter(running).forEach((started) => process.kill(started.pid, "SIGKILL"));
    }
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
    dirs = [];
    seen = [];
  });

  it("start --head, a node joining it, status listing both, and stop leaving nothing behind", async () => {
    const dir = sessionDir();
    const [port] = await freePorts(1);
    const head = startHead(dir, port, 2);
    expect(head.ran.stdout).to.contain('ray.init({ address: "auto" })');
    expect(head.ran.stdout).to.match(/whoever can reach port \d+ with this password can run code on every node/);
    expect(head.session.head).to.equal(true);
    expect(head.session.processes.map((started) => started.role)).to.deep.equal(["redis", "node"]);
    expect(statSync(join(dir, "cluster.json")).mode & 0o777).to.equal(0o600);
    expect(head.joinAddress).to.equal(head.session.address);

    let status = tsray(["status"], dir);
    expect(status.status, status.stderr).to.equal(0);
    let rows = statusRows(status.stdout);
    expect(rows, status.stdout).to.have.length(1);
    expect(rows[0][0]).to.equal(head.session.processes[1].nodeId!.slice(0, 12));
    expect(rows[0].slice(3)).to.deep.equal(["alive", "2", "2", "0", "0"]);

    const joined = tsray(["start", "--address", head.joinAddress, "--num-cpus", "1"], dir);
    const after = session(dir)!;
    expect(joined.status, joined.stderr).to.equal(0);
    expect(after.processes.map((started) => started.role)).to.deep.equal(["redis", "node", "node"]);
    status = tsray(["status"], dir);
    rows = statusRows(status.stdout);
    expect(rows.map((row) => row[3]), status.stdout).to.deep.equal(["alive", "alive"]);
    expect(rows.map((row) => row[4])).to.have.members(["2", "1"]);
    expect(status.stdout).to.contain("Total (2 alive nodes): 3 CPUs");

    const stop = tsray(["stop"], dir);
    expect(stop.status, stop.stderr).to.equal(0);
    expect(stop.stdout).to.contain("Redis");
    expect(after.processes.filter(running), "processes left").to.deep.equal([]);
    expect(await listening(port), "Redis still listening").to.equal(false);
    expect(existsSync(join(dir, "cluster.json"))).to.equal(false);
    const again = tsray(["stop"], dir);
    expect(again.status).to.equal(0);
    expect(again.stdout).to.contain("Nothing to stop");
  });

  it("a node agent stopped by SIGTERM removes its keys, and stop leaves nothing of the rest", async () => {
    const dir = sessionDir();
    const [port] = await freePorts(1);
    const head = startHead(dir, port, 1);
    const joined = tsray(["start", "--address", head.joinAddress, "--num-cpus", "1"], dir);
    expect(joined.status, joined.stderr).to.equal(0);
    const file = session(dir)!;
    const [redis, first, second] = file.processes;

    await withRedis(file, async (client) => {
      for (const node of [first, second]) {
        const before = await nodeKeys(client, node.nodeId!);
        expect(before.registered && before.alive, `keys of ${node.nodeId}`).to.equal(true);
        expect(before.own, `keys of ${node.nodeId}`).to.not.be.empty;
      }
      process.kill(second.pid, "SIGTERM");
      expect(await waitUntil(() => !running(second), 5000), "the node agent outlived SIGTERM").to.equal(true);
      expect(await nodeKeys(client, second.nodeId!)).to.deep.equal({ registered: false, alive: false, own: [] });
      const kept = await nodeKeys(client, first.nodeId!);
      expect(kept.registered && kept.alive).to.equal(true);
    });
    const status = tsray(["status"], dir);
    expect(statusRows(status.stdout).map((row) => row[0]), status.stdout).to.deep.equal([first.nodeId!.slice(0, 12)]);

    const stop = tsray(["stop"], dir);
    expect(stop.status, stop.stderr).to.equal(0);
    expect([redis, first].filter(running), "processes left").to.deep.equal([]);
    expect(await listening(port), "Redis still listening").to.equal(false);
    expect(existsSync(join(dir, "cluster.json"))).to.equal(false);
  });

  it("start --address with a wrong password says so in one line, exit code 2, and starts nothing", async () => {
    const headDir = sessionDir();
    const [port] = await freePorts(1);
    startHead(headDir, port, 1);
    const other = sessionDir(); // another machine
    const ran = tsray(["start", "--address", `redis://:wrong@127.0.0.1:${port}`, "--num-cpus", "1"], other);
    session(other);
    expect(ran.status).to.equal(2);
    expect(ran.stderr.trim().split("\n"), ran.stderr).to.have.length(1);
    expect(ran.stderr).to.match(/^tsray: .*password/);
    expect(sessionOf(other)).to.equal(undefined);
    expect(statusRows(tsray(["status"], headDir).stdout)).to.have.length(1);
  });

  it("start --address of an unreachable Redis says it cannot reach it, exit code 2", async () => {
    const dir = sessionDir();
    const [port] = await freePorts(1);
    const ran = tsray(["start", "--address", `redis://:x@127.0.0.1:${port}`, "--num-cpus", "1"], dir);
    session(dir);
    expect(ran.status).to.equal(2);
    expect(ran.stderr.trim().split("\n"), ran.stderr).to.have.length(1);
    expect(ran.stderr).to.match(/^tsray: cannot reach/);
    expect(sessionOf(dir)).to.equal(undefined);
  });

  it("start --head without redis-server on PATH says how to install it and leaves nothing", async () => {
    const dir = sessionDir();
    const bin = join(dir, "bin");
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, "node"));
    const [port] = await freePorts(1);
    const ran = tsray(["start", "--head", "--port", String(port), "--num-cpus", "1"], join(dir, "session"), { PATH: bin });
    session(join(dir, "session"));
    expect(ran.status).to.equal(2);
    expect(ran.stderr.trim().split("\n"), ran.stderr).to.have.length(1);
    expect(ran.stderr).to.contain("apt-get install redis-server");
    expect(sessionOf(join(dir, "session"))).to.equal(undefined);
    expect(await listening(port)).to.equal(false);
  });

  it("start --head whose node agent fails to start stops the Redis it started", async () => {
    const dir = sessionDir();
    // Preloaded into every node process: the node agent (the one given an address) dies at once.
    const preload = join(dir, "fail-node-agent.js");
    writeFileSync(preload, "if (process.env.TSRAY_NODE_ADDRESS) process.exit(3);\n");
    const [port] = await freePorts(1);
    const ran = tsray(["start", "--head", "--port", String(port), "--num-cpus", "1"], join(dir, "session"), { NODE_OPTIONS: `--require ${preload}` });
    session(join(dir, "session"));
    expect(ran.status, ran.stdout).to.equal(2);
    expect(ran.stderr.trim().split("\n"), ran.stderr).to.have.length(1);
    expect(ran.stderr).to.contain("the node agent exited before joining");
    expect(existsSync(join(dir, "session", "redis.log")), "Redis was not started").to.equal(true);
    expect(sessionOf(join(dir, "session"))).to.equal(undefined);
    expect(await listening(port), "Redis still listening").to.equal(false);
    expect(spawnSync("pgrep", ["-f", `redis-server .*:${port}$`]).status, "a redis-server left").to.equal(1);
  });

  it("start --head twice refuses the second: tsray stop first", async () => {
    const dir = sessionDir();
    const [port, otherPort] = await freePorts(2);
    const head = startHead(dir, port, 1);
    const second = tsray(["start", "--head", "--port", String(otherPort), "--num-cpus", "1"], dir);
    expect(second.status).to.equal(2);
    expect(second.stderr.trim().split("\n"), second.stderr).to.have.length(1);
    expect(second.stderr).to.contain("`tsray stop`");
    expect(session(dir)).to.deep.equal(head.session);
    expect(await listening(otherPort)).to.equal(false);
  });
});
