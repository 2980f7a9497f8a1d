// The node's ledger of CPUs and custom resources: what is free, whether a task fits, and
// taking and giving back. Every change is published to the shared view the workers read
// (cluster-info.ts), so that `ray.availableResources()` inside a task sees it at once.
import { ClusterShare, publishFree } from "./cluster-info";

const EPSILON = 1e-9;

/** What a task or an actor holds while it runs. */
export interface Needs {
  numCpus: number;
  resources: Record<string, number>;
  /** CPUs that must be free to place it when more than it holds (a default actor: Ray's rule). */
  placementCpus?: number;
}

/** What must be free for it to start: its CPUs, or more for a default actor. */
export function cpusToPlace(needs: Needs): number {
  return Math.max(needs.numCpus, needs.placementCpus ?? 0);
}

export class ResourceLedger {
  private cpus: number;
  private readonly custom: Record<string, number>;

  constructor(private readonly share: ClusterShare, cpus: number, custom: Record<string, number>) {
    this.cpus = cpus;
    this.custom = { ...custom };
  }

  /** No CPU free beyond `reserved`: nothing that needs one can start. */
  noCpuLeft(reserved = 0): boolean {
    return this.cpus - reserved <= EPSILON;
  }

  /** `reserved`: CPUs promised to tasks waiting for a starting worker. */
  fits(needs: Needs, reserved = 0): boolean {
    if (cpusToPlace(needs) > this.cpus - reserved + EPSILON) return false;
    for (const [name, amount] of Object.entries(needs.resources)) if (!((this.custom[name] ?? 0) + EPSILON >= amount)) return false;
    return true;
  }

  take(needs: Needs): void {
    this.change(needs, 1);
  }

  give(needs: Needs): void {
    this.change(needs, -1);
  }

  private change(needs: Needs, sign: 1 | -1): void {
    this.cpus -= sign * needs.numCpus;
    for (const [name, amount] of Object.entries(needs.resources)) this.custom[name] = (this.custom[name] ?? 0) - sign * amount;
    publishFree(this.share, this.cpus, this.custom);
  }
}
