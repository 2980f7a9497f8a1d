// The node's resources as `ray.clusterResources()`, `ray.availableResources()` and
// `ray.nodes()` report them, the same in the driver and inside tasks. These calls are
// synchronous (as Ray's), so a task cannot ask the driver and wait for the answer: the
// totals are fixed at `init` and sent to every worker once, and the free amounts live in
// shared memory that the driver's ledger writes as it takes and gives back resources. On a
// node of a cluster, its agent also writes there what it last read of the other nodes
// (ClusterView), and tasks see the whole cluster, as in the driver.
import { totalmem } from "node:os";
import { ClusterView, NodeInfo, sumResources } from "../core/views";

export interface ClusterShare {
  nodeId: string;
  hostname: string;
  /** CPU and the custom resources, as given to `init`. */
  total: Record<string, number>;
  /** The names of `free`'s entries, in order. */
  names: string[];
  /** Free amounts, one per name (on a SharedArrayBuffer: every worker sees the driver's writes). */
  free: Float64Array;
  /** The cluster beyond this node, if it is a node of one (see showClusterView). */
  board: ViewBoard;
}

/**
 * A ClusterView as JSON on shared memory: `state` holds a version, odd while it is being
 * written (a reader that sees it odd, or changed after reading, reads again), and the
 * length of the text in `bytes`.
 */
interface ViewBoard {
  state: Int32Array;
  bytes: Uint8Array;
}

/** Room for the view of a couple of hundred nodes. */
const BOARD_BYTES = 256 * 1024;
/** A reader waits out a write in progress (microseconds) for at most this long. */
const READ_PATIENCE_MS = 50;

const EPSILON = 1e-9;

export function newClusterShare(nodeId: string, hostname: string, cpus: number, custom: Record<string, number>): ClusterShare {
  const total = { CPU: cpus, ...custom };
  const names = Object.keys(total);
  const free = new Float64Array(new SharedArrayBuffer(names.length * Float64Array.BYTES_PER_ELEMENT));
  names.forEach((name, i) => (free[i] = total[name as keyof typeof total]));
  const board = { state: new Int32Array(new SharedArrayBuffer(8)), bytes: new Uint8Array(new SharedArrayBuffer(BOARD_BYTES)) };
  return { nodeId, hostname, total, names, free, board };
}

/** Written by a cluster node's agent: what its tasks see of the cluster from now on. */
export function showClusterView(share: ClusterShare, view: ClusterView): void {
  const text = new TextEncoder().encode(JSON.stringify(view));
  if (text.length > BOARD_BYTES) return; // a cluster this large: its tasks see the node only
  const { state, bytes } = share.board;
  Atomics.add(state, 0, 1);
  bytes.set(text);
  Atomics.store(state, 1, text.length);
  Atomics.add(state, 0, 1);
}

function clusterViewOf(share: ClusterShare): ClusterView | undefined {
  const { state, bytes } = share.board;
  for (const deadline = Date.now() + READ_PATIENCE_MS; Date.now() < deadline; ) {
    const version = Atomics.load(state, 0);
    if (version === 0) return undefined;
    if (version % 2 === 1) continue;
    // TextDecoder does not read shared memory: copy first.
    const text = new TextDecoder().decode(bytes.slice(0, Atomics.load(state, 1)));
    if (Atomics.load(state, 0) === version) return JSON.parse(text) as ClusterView;
  }
  return undefined;
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

/** This node's resources (on one machine, the cluster's). */
export function nodeResourcesOf(share: ClusterShare): Record<string, number> {
  const { CPU, ...custom } = share.total;
  return { CPU, ...memoryEntries(), ...custom };
}

export function clusterResourcesOf(share: ClusterShare): Record<string, number> {
  const view = clusterViewOf(share);
  return view ? { ...view.totals } : nodeResourcesOf(share);
}

export function availableResourcesOf(share: ClusterShare): Record<string, number> {
  const view = clusterViewOf(share);
  return view ? sumResources([freeResources(share), view.othersAvailable]) : { ...freeResources(share), ...memoryEntries() };
}

/** `ray.nodes()`: this one machine, or the cluster it is a node of. */
export function nodesOf(share: ClusterShare): NodeInfo[] {
  const view = clusterViewOf(share);
  if (view) return view.nodes;
  return [{ NodeID: share.nodeId, Alive: true, NodeManagerAddress: "127.0.0.1", NodeManagerHostname: share.hostname, Resources: nodeResourcesOf(share) }];
}
