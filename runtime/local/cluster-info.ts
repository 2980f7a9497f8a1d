// The node's resources as `ray.clusterResources()`, `ray.availableResources()` and
// `ray.nodes()` report them, the same in the driver and inside tasks. These calls are
// synchronous (as Ray's), so a task cannot ask the driver and wait for the answer: the
// totals are fixed at `init` and sent to every worker once, and the free amounts live in
// shared memory that the driver's ledger writes as it takes and gives back resources.
import { totalmem } from "node:os";
import type { NodeInfo } from "../core/views";

export interface ClusterShare {
  nodeId: string;
  hostname: string;
  /** CPU and the custom resources, as given to `init`. */
  total: Record<string, number>;
  /** The names of `free`'s entries, in order. */
  names: string[];
  /** Free amounts, one per name (on a SharedArrayBuffer: every worker sees the driver's writes). */
  free: Float64Array;
}

const EPSILON = 1e-9;

export function newClusterShare(nodeId: string, hostname: string, cpus: number, custom: Record<string, number>): ClusterShare {
  const total = { CPU: cpus, ...custom };
  const names = Object.keys(total);
  const free = new Float64Array(new SharedArrayBuffer(names.length * Float64Array.BYTES_PER_ELEMENT));
  names.forEach((name, i) => (free[i] = total[name as keyof typeof total]));
  return { nodeId, hostname, total, names, free };
}

/** Written by the driver after each change of its ledger. */
export function publishFree(share: ClusterShare, cpus: number, custom: Record<string, number>): void {
  share.free[0] = cpus;
  for (let i = 1; i < share.names.length; i++) share.free[i] = custom[share.names[i]] ?? 0;
}

/** CPU and custom resources free now; zero entries left out (as Ray). */
export function freeResources(share: ClusterShare): Record<string, number> {
  const out: Record<string, number> = {};
  share.names.forEach((name, i) => {
    if (share.free[i] > EPSILON) out[name] = Math.round(share.free[i] * 1e4) / 1e4;
  });
  return out;
}

function memoryEntries(): Record<string, number> {
  return { memory: Math.floor(totalmem() * 0.7), object_store_memory: Math.floor(totalmem() * 0.3), "node:127.0.0.1": 1 };
}

export function clusterResourcesOf(share: ClusterShare): Record<string, number> {
  const { CPU, ...custom } = share.total;
  return { CPU, ...memoryEntries(), ...custom };
}

export function availableResourcesOf(share: ClusterShare): Record<string, number> {
  return { ...freeResources(share), ...memoryEntries() };
}

/** `ray.nodes()`: this one machine. */
export function nodesOf(share: ClusterShare): NodeInfo[] {
  return [{ NodeID: share.nodeId, Alive: true, NodeManagerAddress: "127.0.0.1", NodeManagerHostname: share.hostname, Resources: clusterResourcesOf(share) }];
}
