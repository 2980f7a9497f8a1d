// A private cluster for a test: a Redis server on a free loopback port with a generated
// password, and node agents as separate processes, started the way `tsray start` starts
// them; `stop` ends every process it started and waits until they are gone.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePorts } from "../../client/free-ports";
import { ClusterAddress, formatAddress } from "../../runtime/cluster/address";
import { startRedisServer } from "../../runtime/cluster/launch/redis-server";
import { startNodeProcess, StartedNode } from "../../runtime/cluster/launch/node-process";

export interface LocalCluster {
  address: ClusterAddress;
  /** As users write it. */
  url: string;
  nodes: StartedNode[];
  redisPid: number;
  /** Starts one more node agent. */
  addNode(numCpus: number, resources?: Record<string, number>): Promise<StartedNode>;
  /** `kill -9` of a node agent. */
  killNode(node: StartedNode): Promise<void>;
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, signal: NodeJS.Signals): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, signal);
  for (let waited = 0; alive(pid); waited += 20) {
    if (waited === 5000) process.kill(pid, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function startLocalCluster(nodes: { numCpus: number; resources?: Record<string, number> }[]): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), "tsray-cluster-"));
  const [port] = await freePorts(1);
  const server = await startRedisServer(port, "127.0.0.1", join(dir, "redis.log"));
  const address = { host: "127.0.0.1", port, password: server.password };
  const url = formatAddress(address);
  const started: StartedNode[] = [];
  const cluster: LocalCluster = {
    address,
    url,
    nodes: started,
    redisPid: server.pid,
    async addNode(numCpus, resources = {}) {
      const node = await startNodeProcess(url, numCpus, resources, join(dir, `node-${started.length}.log`));
      started.push(node);
      return node;
    },
    async killNode(node) {
      await gone(node.pid, "SIGKILL");
    },
    async stop() {
      await Promise.all(started.map((node) => gone(node.pid, "SIGTERM")));
      await gone(server.pid, "SIGTERM");
      if (!process.env.TSRAY_KEEP_CLUSTER_LOGS) rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const node of nodes) await cluster.addNode(node.numCpus, node.resources);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
