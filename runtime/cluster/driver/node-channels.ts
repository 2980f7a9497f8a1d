// The driver's line to each alive node: the node's BullMQ queue, where the driver adds the
// jobs it places there as BullMQ jobs of many (batches, wire.ts: one script in Redis and
// one round trip for all of them, and one for the node to start them): those placed in one
// turn of the event loop, or while the batch before was being added (one batch at a time
// per node, so that a busy driver sends fewer, larger ones; an idle one waits for nothing).
// Their ends come back on the driver's list of reports (reports.ts).
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { nodeQueue, QUEUE_PREFIX } from "../keys";
import { JobPayload, packBatch } from "../wire";

interface NodeChannel {
  queue: Queue;
  /** Jobs placed in this turn of the event loop, not yet added; `sent` settles with their batch's id. */
  outgoing: { jobs: JobPayload[]; sent: { resolve: (batch: string) => void; reject: (error: Error) => void }[] } | null;
  /** Settles once the batch being added is in the queue (or failed). */
  adding: Promise<void>;
}

export class NodeChannels {
  private readonly channels = new Map<string, NodeChannel>();
  private nextBatch = 0;

  constructor(private readonly redis: Redis, private readonly driverId: string) {}

  open(nodeId: string): void {
    const queue = new Queue(nodeQueue(nodeId), { connection: this.redis, prefix: QUEUE_PREFIX });
    queue.on("error", () => undefined); // connection trouble: the registry's heartbeat decides about the node
    this.channels.set(nodeId, { queue, outgoing: null, adding: Promise.resolve() });
  }

  /** Settles with the id of the BullMQ job that carries it, once in the node's queue. */
  send(nodeId: string, payload: JobPayload): Promise<string> {
    const channel = this.channels.get(nodeId);
    if (!channel) return Promise.reject(new Error(`node ${nodeId.slice(0, 12)} is gone`));
    if (!channel.outgoing) {
      channel.outgoing = { jobs: [], sent: [] };
      void channel.adding.then(() => setImmediate(() => (channel.adding = this.flush(channel))));
    }
    const { jobs, sent } = channel.outgoing;
    jobs.push(payload);
    return new Promise((resolve, reject) => sent.push({ resolve, reject }));
  }

  private async flush(channel: NodeChannel): Promise<void> {
    const { jobs, sent } = channel.outgoing!;
    channel.outgoing = null;
    const batch = `b-${this.driverId}-${this.nextBatch++}`;
    try {
      await channel.queue.add("batch", packBatch(jobs), { jobId: batch, removeOnComplete: true, removeOnFail: true });
      for (const { resolve } of sent) resolve(batch);
    } catch (error) {
      for (const { reject } of sent) reject(error as Error);
    }
  }

  /** Batches not started yet leave the queue (the driver is ending); running ones run out. */
  async withdraw(nodeId: string, batches: Iterable<string>): Promise<void> {
    const channel = this.channels.get(nodeId);
    if (channel) await Promise.all([...batches].map((batch) => channel.queue.remove(batch).catch(() => 0)));
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
