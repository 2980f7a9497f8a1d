// `tsray start --head` starts a cluster on this machine: its Redis (with a fresh password)
// and a node agent; `tsray start --address URL` starts a node agent that joins one. Both
// record what they started in the session file, for `ray.init({ address: "auto" })` and
// for `tsray stop`, which stops exactly that. Nothing is left running when a start fails.
import { mkdirSync } from "node:fs";
import { availableParallelism, networkInterfaces } from "node:os";
import { join } from "node:path";
import { ClusterAddress, displayAddress, formatAddress, parseAddress, resolveAddress } from "../runtime/cluster/address";
import { checkedClient } from "../runtime/cluster/connect";
import { startNodeProcess, StartedNode } from "../runtime/cluster/launch/node-process";
import { startRedisServer } from "../runtime/cluster/launch/redis-server";
import { readSessionFile, removeSessionFile, sessionDir, SessionFile, StartedProcess, writeSessionFile } from "../runtime/cluster/session-file";
import { isRunning, stopProcesses } from "./stop";

export interface StartCommandOptions {
  head?: boolean;
  address?: string;
  port?: string;
  numCpus?: string;
  bind?: string;
  resources?: string;
}

const DEFAULT_PORT = 6379;
const DEFAULT_BIND = "127.0.0.1";

function positiveInteger(text: string, what: string, max?: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > (max ?? Number.MAX_SAFE_INTEGER)) {
    throw new Error(`${what} must be a whole number ${max ? `from 1 to ${max}` : "of 1 or more"}, not "${text}"`);
  }
  return value;
}

function parseResources(text: string | undefined): Record<string, number> {
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`--resources must be a JSON object of amounts, like '{"GPU": 1}', not ${text}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`--resources must be a JSON object of amounts, like '{"GPU": 1}', not ${text}`);
  for (const [name, amount] of Object.entries(parsed)) {
    if (name === "CPU") throw new Error("--resources cannot set CPU: use --num-cpus");
    if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) throw new Error(`--resources: ${name} must be a number of 0 or more, not ${JSON.stringify(amount)}`);
  }
  return parsed as Record<string, number>;
}

/** The session file of this machine, if any of its processes still run. */
function liveSession(): SessionFile | undefined {
  const session = readSessionFile();
  return session && session.processes.some(isRunning) ? session : undefined;
}

function sameAddress(a: string, b: ClusterAddress): boolean {
  try {
    return formatAddress(parseAddress(a)) === formatAddress(b);
  } catch {
    return false;
  }
}

/** The address other machines reach a server bound to `bind` by. */
function joinHost(bind: string): string {
  if (bind !== "0.0.0.0" && bind !== "::") return bind;
  const external = Object.values(networkInterfaces())
    .flat()
    .find((info) => info && info.family === "IPv4" && !info.internal);
  return external?.address ?? "127.0.0.1";
}

function nodeLogFile(session: SessionFile | undefined): string {
  const nodes = session?.processes.filter((started) => started.role === "node").length ?? 0;
  return join(sessionDir(), `node-${nodes + 1}.log`);
}

const cpus = (n: number) => `${n} CPU${n === 1 ? "" : "s"}`;

function nodeProcess(node: StartedNode): StartedProcess {
  return { pid: node.pid, role: "node", nodeId: node.nodeId };
}

async function startHead(options: StartCommandOptions, numCpus: number, resources: Record<string, number>): Promise<void> {
  const running = liveSession();
  if (running) throw new Error(`a tsray cluster is already started on this machine (${displayAddress(parseAddress(running.address))}): run \`tsray stop\` first`);
  const port = positiveInteger(options.port ?? String(DEFAULT_PORT), "--port", 65535);
  const bind = options.bind ?? DEFAULT_BIND;
  mkdirSync(sessionDir(), { recursive: true, mode: 0o700 });
  const redis = await startRedisServer(port, bind, join(sessionDir(), "redis.log"));
  const local: ClusterAddress = { host: bind === "0.0.0.0" ? "127.0.0.1" : bind === "::" ? "::1" : bind, port, password: redis.password };
  const session: SessionFile = { address: formatAddress(local), head: true, processes: [{ pid: redis.pid, role: "redis" }] };
  writeSessionFile(session); // `tsray stop` can stop Redis even if this command dies now
  let node: StartedNode;
  try {
    node = await startNodeProcess(session.address, numCpus, resources, nodeLogFile(undefined));
  } catch (error) {
    await stopProcesses([{ pid: redis.pid, role: "redis" }]);
    removeSessionFile();
    throw error;
  }
  session.processes.push(nodeProcess(node));
  writeSessionFile(session);
  const joinAddress = formatAddress({ ...local, host: joinHost(bind) });
  console.log(`Started the head of a tsray cluster: Redis on ${bind}:${port} (pid ${redis.pid}), node ${node.nodeId.slice(0, 12)} with ${cpus(numCpus)} (pid ${node.pid}).`);
  console.log(`To add a machine to it, run there:\n  tsray start --address ${joinAddress}`);
  if (bind === "127.0.0.1" || bind === "::1" || bind === "localhost") console.log(`  (Redis listens on ${bind} only, so only this machine can join: pass --bind 0.0.0.0 for others.)`);
  console.log(`On this machine, ray.init({ address: "auto" }) connects to it. Logs: ${sessionDir()}. Stop it with \`tsray stop\`.`);
  console.log(`Warning: whoever can reach port ${port} with this password can run code on every node of the cluster: keep the address secret and the port firewalled.`);
}

async function joinCluster(addressText: string | undefined, numCpus: number, resources: Record<string, number>): Promise<void> {
  const address = resolveAddress(addressText);
  const client = await checkedClient(address);
  client.disconnect();
  const running = liveSession();
  if (running && !sameAddress(running.address, address)) {
    throw new Error(`this machine is already in the tsray cluster at ${displayAddress(parseAddress(running.address))}: run \`tsray stop\` first`);
  }
  const session: SessionFile = running ?? { address: formatAddress(address), head: false, processes: [] };
  mkdirSync(sessionDir(), { recursive: true, mode: 0o700 });
  const node = await startNodeProcess(formatAddress(address), numCpus, resources, nodeLogFile(running));
  session.processes.push(nodeProcess(node));
  writeSessionFile(session);
  console.log(`Joined the tsray cluster at ${displayAddress(address)}: node ${node.nodeId.slice(0, 12)} with ${cpus(numCpus)} (pid ${node.pid}). Stop it with \`tsray stop\`.`);
}

export async function startCommand(options: StartCommandOptions): Promise<void> {
  if (options.head && options.address) throw new Error("pass either --head (start a cluster) or --address URL (join one), not both");
  const numCpus = options.numCpus === undefined ? availableParallelism() : positiveInteger(options.numCpus, "--num-cpus");
  const resources = parseResources(options.resources);
  if (options.head) return startHead(options, numCpus, resources);
  if (options.port !== undefined || options.bind !== undefined) throw new Error("--port and --bind are the head's: pass them with --head");
  if (options.address === undefined && !process.env.TSRAY_ADDRESS) {
    throw new Error("pass --head to start a cluster on this machine, or --address URL (or TSRAY_ADDRESS) to join one");
  }
  return joinCluster(options.address, numCpus, resources);
}
