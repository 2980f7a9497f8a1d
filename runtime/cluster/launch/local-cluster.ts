// A cluster on this machine for a lesson or a test (Ray's cluster_utils.Cluster): a Redis
// server on a free loopback port with a generated password, and node agents as separate
// processes, started the way `tsray start` starts them; `shutdown` ends every process it
// started and waits until they are gone. Logs go to a temporary folder, removed then.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, AddressInfo } from "node:net";
import { ClusterAddress, formatAddress } from "../address";
import { startRedisServer } from "./redis-server";
import { startNodeProcess, StartedNode } from "./node-process";
import { processAlive, processExists } from "./process-alive";

export interface NodeOptions {
  numCpus: number;
  resources?: Record<string, number>;
}

export interface LocalCluster {
  address: ClusterAddress;
  /** As `ray.init({ address })` takes it. */
  url: string;
  nodes: StartedNode[];
  redisPid: number;
  /** Starts one more node agent. */
  addNode(node: NodeOptions): Promise<StartedNode>;
  /** Kills a node agent at once (`kill -9`), as a machine that fails. */
  killNode(node: StartedNode): Promise<void>;
  /** Stops a node agent cleanly. */
  removeNode(node: StartedNode): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Signals one of this process's children and waits until Node has reaped it: a dead child
 * not yet reaped is a zombie that `kill -0` still finds, so a check made right after
 * `shutdown` (as lesson 07 makes one) would count it as running.
 */
async function gone(pid: number, signal: NodeJS.Signals): Promise<void> {
  if (processAlive(pid)) process.kill(pid, signal);
  for (let waited = 0; processExists(pid); waited += 20) {
    if (waited === 5000) process.kill(pid, "SIGKILL");
    if (waited === 10_000) throw new Error(`process ${pid} of the local cluster did not end within 10 s of ${signal} and SIGKILL: stop it with \`kill -9 ${pid}\``);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startLocalCluster(nodes: NodeOptions[]): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), "tsray-cluster-"));
  const port = await freeLoopbackPort();
  const server = await startRedisServer(port, "127.0.0.1", join(dir, "redis.log"));
  const address = { host: "127.0.0.1", port, password: server.password };
  const url = formatAddress(address);
  const started: StartedNode[] = [];
  // Its processes end with this one, even when it ends without `shutdown` (a kernel restarted).
  const endProcesses = () => [...started.map((node) => node.pid), server.pid].forEach((pid) => processAlive(pid) && process.kill(pid, "SIGTERM"));
  process.once("exit", endProcesses);
  const cluster: LocalCluster = {
    address,
    url,
    nodes: started,
    redisPid: server.pid,
    async addNode({ numCpus, resources = {} }) {
      const node = await startNodeProcess(url, numCpus, resources, join(dir, `node-${started.length}.log`));
      started.push(node);
      return node;
    },
    async killNode(node) {
      await gone(node.pid, "SIGKILL");
    },
    async removeNode(node) {
      await gone(node.pid, "SIGTERM");
    },
    async shutdown() {
      process.removeListener("exit", endProcesses);
      await Promise.all(started.map((node) => gone(node.pid, "SIGTERM")));
      await gone(server.pid, "SIGTERM");
      if (!process.env.TSRAY_KEEP_CLUSTER_LOGS) rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const node of nodes) await cluster.addNode(node);
  } catch (error) {
    await cluster.shutdown();
    throw error;
  }
  return cluster;
}
