// What ended without cleaning up, swept from Redis by every node now and then, so that
// nothing grows without bound across sessions: the objects of a driver gone without
// `ray.shutdown()` (its key expired: killed, or cut off), and the record and queue of a
// node dead for a while (`ray.nodes()` lists a dead node as dead until then, as Ray does).
// Nodes sweep independently; deleting twice is harmless.
import type { Redis } from "ioredis";
import { keys } from "../keys";
import { readNodes } from "../registry";

const SWEEP_EVERY_MS = 5_000;
const RECHECK_ALIVE_MS = 1_000;
/** A dead node stays listed this long. */
export const DEAD_NODE_KEPT_MS = 5 * 60_000;

export class Janitor {
  private readonly timer: NodeJS.Timeout;
  /** When each dead node was first seen dead here. */
  private readonly deadSince = new Map<string, number>();
  private sweeping = false;
  /** Drivers seen alive, and when: asked again after a second (a job costs no extra round trip meanwhile). */
  private readonly seenAlive = new Map<string, number>();

  constructor(private readonly redis: Redis) {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Whether the driver is gone (its jobs are then not run). */
  async driverGone(driverId: string): Promise<boolean> {
    const now = Date.now();
    if (now - (this.seenAlive.get(driverId) ?? -Infinity) < RECHECK_ALIVE_MS) return false;
    const gone = !(await this.aliveNow(driverId));
    if (gone) this.seenAlive.delete(driverId);
    else this.seenAlive.set(driverId, now);
    return gone;
  }

  /** Redis away for a moment counts as alive: the jobs run, rather than their refs waiting for reports that never come. */
  private async aliveNow(driverId: string): Promise<boolean> {
    return (await this.redis.exists(keys.driverAlive(driverId)).catch(() => 1)) === 1;
  }

  async sweep(now = Date.now()): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const driverId of await this.redis.smembers(keys.drivers)) {
        if (!(await this.aliveNow(driverId))) await this.forgetDriver(driverId);
      }
      for (const node of await readNodes(this.redis)) {
        if (node.alive) this.deadSince.delete(node.id);
        else if (!this.deadSince.has(node.id)) this.deadSince.set(node.id, now);
        else if (now - this.deadSince.get(node.id)! >= DEAD_NODE_KEPT_MS) await this.forgetNode(node.id);
      }
    } catch {
      // Redis unreachable: the next sweep tries again.
    } finally {
      this.sweeping = false;
    }
  }

  private async forgetDriver(driverId: string): Promise<void> {
    let cursor = "0";
    do {
      const [next, found] = await this.redis.scan(cursor, "MATCH", keys.objectPattern(driverId), "COUNT", 1000);
      if (found.length > 0) await this.redis.del(...found);
      cursor = next;
    } while (cursor !== "0");
    await this.redis.multi().del(keys.reports(driverId)).srem(keys.drivers, driverId).exec();
  }

  private async forgetNode(nodeId: string): Promise<void> {
    await this.redis.multi().hdel(keys.nodes, nodeId).del(keys.nodeView(nodeId), keys.nodeJobs(nodeId)).exec();
    this.deadSince.delete(nodeId);
  }
}
