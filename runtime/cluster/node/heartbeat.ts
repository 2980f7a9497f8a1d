// A node's heartbeat: every HEARTBEAT_MS it renews its key in the registry with its view,
// and reads the registry back for its tasks (what `ray.clusterResources()` and the like
// answer inside a task). A key found expired means the cluster counted the node dead
// (frozen, or cut off from Redis, past the key's life): the node cannot go on as itself.
import type { Redis } from "ioredis";
import type { DriverBackend } from "../../core/backend";
import { NodeView, sumResources } from "../../core/views";
import { ALIVE_FOR_MS, HEARTBEAT_MS, nodeInfoOf, readNodes, readViews, renewNode } from "../registry";

/** Why a node agent can go on no longer as the node it is. */
export interface NodeLoss {
  reason: string;
  /** The cluster counts it dead but Redis is there: it may join again, as a new node (as Ray's). */
  rejoin: boolean;
}

/** Redis unreachable this long, the node gives up (as Ray's raylet does after losing its GCS for a minute). */
const GIVE_UP_AFTER_MS = 60_000;

export class Heartbeat {
  private timer?: NodeJS.Timeout;
  private lastRenewed = Date.now();
  private renewing = false;

  constructor(
    private readonly redis: Redis,
    private readonly nodeId: string,
    private readonly local: DriverBackend,
    private readonly view: () => NodeView,
    private readonly onLost: (loss: NodeLoss) => void
  ) {}

  /** Its first beat (its view from the start, for `tsray status`, and the cluster for its tasks), then one every HEARTBEAT_MS. */
  async start(): Promise<void> {
    await renewNode(this.redis, this.nodeId, this.view());
    await this.showClusterToTasks();
    this.timer = setInterval(() => this.beat(), HEARTBEAT_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    if (this.renewing) return; // Redis slow or away: one renewal at a time
    this.renewing = true;
    renewNode(this.redis, this.nodeId, this.view())
      .then(
        (alive) => {
          this.lastRenewed = Date.now();
          if (alive) void this.showClusterToTasks().catch(() => undefined); // Redis away: the last view stays
          else this.lose({ reason: `the cluster counted this node as dead (no heartbeat for over ${ALIVE_FOR_MS / 1000} s: frozen, or cut off from Redis)`, rejoin: true });
        },
        () => {
          if (Date.now() - this.lastRenewed > GIVE_UP_AFTER_MS) this.lose({ reason: `lost Redis for over ${GIVE_UP_AFTER_MS / 1000} s`, rejoin: false });
        }
      )
      .finally(() => (this.renewing = false));
  }

  /** The registry as read now, shown to the node's tasks. */
  private async showClusterToTasks(): Promise<void> {
    const nodes = await readNodes(this.redis);
    const others = nodes.filter((node) => node.alive && node.id !== this.nodeId);
    const views = await readViews(this.redis, others.map((node) => node.id));
    this.local.showCluster!({
      nodes: nodes.map(nodeInfoOf),
      totals: sumResources(nodes.filter((node) => node.alive).map((node) => node.resources)),
      othersAvailable: sumResources(others.map((node, i) => views[i]?.available ?? node.resources)),
    });
  }

  private lose(loss: NodeLoss): void {
    this.stop();
    this.onLost(loss);
  }
}
