// The driver's line to each alive node: the node's BullMQ queue, where the driver adds the
// jobs it places there (those placed in one turn of the event loop in one addBulk, in
// order: one round trip for a batch). Their ends come back on the driver's list of
// reports (reports.ts).
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { nodeQueue, QUEUE_PREFIX } from "../keys";
import { JobPayload, packPayload } from "../wire";

interface NodeChannel {
  queue: Queue;
  /** Jobs placed in this turn of the event loop, not yet added. */
  outgoing: { jobs: Parameters<Queue["addBulk"]>[0]; sent: { resolve: () => void; reject: (error: Error) => void }[] } | null;
}

export class NodeChannels {
  private readonly channels = new Map<string, NodeChannel>();

  constructor(private readonly redis: Redis) {}

  open(nodeId: string): void {
    const queue = new Queue(nodeQueue(nodeId), { connection: this.redis, prefix: QUEUE_PREFIX });
    queue.on("error", () => undefined); // connection trouble: the registry's heartbeat decides about the node
    this.channels.set(nodeId, { queue, outgoing: null });
  }

  send(nodeId: string, jobId: string, payload: JobPayload): Promise<void> {
    const channel = this.channels.get(nodeId);
    if (!channel) return Promise.reject(new Error(`node ${nodeId.slice(0, 12)} is gone`));
    if (!channel.outgoing) {
      channel.outgoing = { jobs: [], sent: [] };
      setImmediate(() => void this.flush(channel));
    }
    const { jobs, sent } = channel.outgoing;
    jobs.push({ name: "task", data: packPayload(payload), opts: { jobId, removeOnComplete: true, removeOnFail: true } });
    return new Promise((resolve, reject) => sent.push({ resolve, reject }));
  }

  private async flush(channel: NodeChannel): Promise<void> {
    const { jobs, sent } = channel.outgoing!;
    channel.outgoing = null;
    try {
      await channel.queue.addBulk(jobs);
      for (const { resolve } of sent) resolve();
    } catch (error) {
      for (const { reject } of sent) reject(error as Error);
    }
  }

  /** Jobs not started yet leave the queue (the driver is ending); running ones run out. */
  async withdraw(nodeId: string, jobIds: string[]): Promise<void> {
    const channel = this.channels.get(nodeId);
    if (channel) await Promise.all(jobIds.map((jobId) => channel.queue.remove(jobId).catch(() => 0)));
  }

  /** `nodeDead`: its queue has no worker left, and its jobs go (they were placed again elsewhere). */
  async close(nodeId: string, nodeDead: boolean): Promise<void> {
    const channel = this.channels.get(nodeId);
    if (!channel) return;
    this.channels.delete(nodeId);
    if (nodeDead) await channel.queue.obliterate({ force: true }).catch(() => undefined);
    await channel.queue.close().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.channels.keys()].map((id) => this.close(id, false)));
  }
}
