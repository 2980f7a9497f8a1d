// The driver's picture of the cluster's nodes: the registry as last read (refreshed every
// heartbeat), and what this driver holds on each (the CPUs and custom resources of the
// tasks it placed there). A task goes to the alive node with the most CPUs free among those
// it fits on, so that a batch spreads over the nodes.
import { NodeInfo, sumResources } from "../../core/views";
import { nodeInfoOf, RegisteredNode } from "../registry";

const EPSILON = 1e-9;

export interface Needs {
  numCpus: number;
  resources: Record<string, number>;
}

export interface ClusterNode {
  record: RegisteredNode;
  /** What this driver's tasks hold there now. */
  held: Record<string, number>;
  /** Short tasks sent there ahead, holding nothing until they start (ahead.ts). */
  ahead: number;
}

export interface RegistryChange {
  joined: RegisteredNode[];
  died: RegisteredNode[];
}

export class NodeTable {
  private readonly nodes = new Map<string, ClusterNode>();

  /** Takes a fresh reading of the registry: which nodes joined, which died since the last. */
  update(registered: RegisteredNode[]): RegistryChange {
    const change: RegistryChange = { joined: [], died: [] };
    const seen = new Set<string>();
    for (const record of registered) {
      seen.add(record.id);
      const known = this.nodes.get(record.id);
      if (!known) {
        this.nodes.set(record.id, { record, held: {}, ahead: 0 });
        if (record.alive) change.joined.push(record);
      } else if (known.record.alive && !record.alive) {
        known.record = record;
        change.died.push(record);
      }
    }
    // Gone from the registry (stopped on purpose): dead to us too.
    for (const node of this.nodes.values()) {
      if (!seen.has(node.record.id) && node.record.alive) {
        node.record = { ...node.record, alive: false };
        change.died.push(node.record);
      }
    }
    return change;
  }

  alive(): ClusterNode[] {
    return [...this.nodes.values()].filter((node) => node.record.alive);
  }

  get(id: string): ClusterNode | undefined {
    return this.nodes.get(id);
  }

  free(node: ClusterNode): Record<string, number> {
    const free: Record<string, number> = {};
    for (const [name, total] of Object.entries(node.record.resources)) free[name] = total - (node.held[name] ?? 0);
    return free;
  }

  /** Free CPUs (the hot path: no object made). */
  private freeCpus(node: ClusterNode): number {
    return (node.record.resources.CPU ?? 0) - (node.held.CPU ?? 0);
  }

  private fits(node: ClusterNode, needs: Needs): boolean {
    if (this.freeCpus(node) + EPSILON < needs.numCpus) return false;
    for (const name in needs.resources) {
      if ((node.record.resources[name] ?? 0) - (node.held[name] ?? 0) + EPSILON < needs.resources[name]) return false;
    }
    return true;
  }

  /** Whether any alive node has a CPU free (when none has, only 0-CPU tasks can be placed). */
  anyCpuFree(): boolean {
    for (const node of this.nodes.values()) if (node.record.alive && this.freeCpus(node) > EPSILON) return true;
    return false;
  }

  /** Whether some alive node could ever run it (all its resources free). */
  feasible(needs: Needs): boolean {
    return this.alive().some((node) => {
      const total = node.record.resources;
      return (total.CPU ?? 0) + EPSILON >= needs.numCpus && Object.entries(needs.resources).every(([name, amount]) => (total[name] ?? 0) + EPSILON >= amount);
    });
  }

  place(needs: Needs): ClusterNode | undefined {
    let best: ClusterNode | undefined;
    for (const node of this.nodes.values()) {
      if (!node.record.alive || !this.fits(node, needs)) continue;
      if (!best || this.freeCpus(node) > this.freeCpus(best) + EPSILON) best = node;
    }
    return best;
  }

  /** The alive node with room for a short task ahead (`perCpu` of them per CPU), the least loaded ahead first. */
  placeAhead(perCpu: number): ClusterNode | undefined {
    let best: ClusterNode | undefined;
    for (const node of this.nodes.values()) {
      if (!node.record.alive || node.ahead >= (node.record.resources.CPU ?? 0) * perCpu) continue;
      if (!best || node.ahead < best.ahead) best = node;
    }
    return best;
  }

  take(node: ClusterNode, needs: Needs): void {
    this.change(node, needs, 1);
  }

  give(node: ClusterNode, needs: Needs): void {
    this.change(node, needs, -1);
  }

  private change(node: ClusterNode, needs: Needs, sign: 1 | -1): void {
    node.held.CPU = (node.held.CPU ?? 0) + sign * needs.numCpus;
    for (const [name, amount] of Object.entries(needs.resources)) node.held[name] = (node.held[name] ?? 0) + sign * amount;
  }

  totals(): Record<string, number> {
    return sumResources(this.alive().map((node) => node.record.resources));
  }

  available(): Record<string, number> {
    return sumResources(this.alive().map((node) => this.free(node)));
  }

  infos(): NodeInfo[] {
    return [...this.nodes.values()].map(({ record }) => nodeInfoOf(record));
  }
}
