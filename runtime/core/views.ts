// What a backend reports of itself: the nodes as `ray.nodes()` lists them, and the view the
// dashboard draws (a node, its workers with what each runs, the counts and the actors).
// Plain data, the same whichever backend gives it.

export interface NodeInfo {
  NodeID: string;
  Alive: boolean;
  NodeManagerAddress: string;
  NodeManagerHostname: string;
  Resources: Record<string, number>;
}

export interface WorkerView {
  index: number;
  ready: boolean;
  /** Blocked in a `get` or `wait`, its CPU lent to other tasks. */
  lending: boolean;
  task?: { id: number; name: string; since: number };
  /** Tasks sent ahead to it, not started. */
  prefetched: number;
}

export interface ActorSummary {
  id: string;
  name: string;
  state: "pending" | "alive" | "dead";
  /** Calls not yet sent to its thread, and sent but not done. */
  queued: number;
  running: number;
  death?: string;
}

export interface NodeView {
  id: string;
  hostname: string;
  address: string;
  resources: Record<string, number>;
  available: Record<string, number>;
  workers: WorkerView[];
  queued: number;
  running: number;
  finished: number;
  actors: ActorSummary[];
  /** On a cluster: how its rows are told apart from other nodes' ("host/1a2b3c"). */
  label?: string;
}

/**
 * The cluster as a node's tasks see it (`ray.clusterResources()` and the like inside a task):
 * its node agent reads the registry at every heartbeat and shows them this.
 */
export interface ClusterView {
  /** Every node, dead ones too, as `ray.nodes()` lists them. */
  nodes: NodeInfo[];
  /** The alive nodes' resources, summed. */
  totals: Record<string, number>;
  /** What the other alive nodes had free at their last heartbeat, summed (the node's own is read live). */
  othersAvailable: Record<string, number>;
}

/** Resources added up by name. */
export function sumResources(all: Record<string, number>[]): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const resources of all) for (const [name, amount] of Object.entries(resources)) sum[name] = (sum[name] ?? 0) + amount;
  return sum;
}

/** A worker's row in the timeline and the dashboard: "worker 3", or "worker 3 (node host/1a2b3c)" on a cluster. */
export function workerRow(index: number, nodeLabel?: string): string {
  return nodeLabel ? `worker ${index} (node ${nodeLabel})` : `worker ${index}`;
}

/** The label of a cluster node's rows. */
export function nodeLabel(node: { hostname: string; id: string }): string {
  return `${node.hostname}/${node.id.slice(0, 6)}`;
}
