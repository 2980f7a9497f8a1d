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
}
