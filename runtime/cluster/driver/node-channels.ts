// The driver's line to each alive node: the node's BullMQ queue, where the driver adds the
// jobs it places there as BullMQ jobs of many (batches, wire.ts: one script in Redis and
// one round trip for all of them, and one for the node to start them): those placed in one
// turn of the event loop, or while the batch before was being added (../turn-batch.ts: one
// batch at a time per node, so that a busy driver sends fewer, larger ones).
// Their ends come back on the driver's list of reports (reports.ts).
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { nodeQueue, QUEUE_PREFIX } from "../keys";
import { JobPayload, packBatch } from "../wire";
import { TurnBatch } from "../turn-batch";

interface NodeChannel {
  queue: Queue;
  /** The jobs placed on the node, added as batches; each job's `add` settles with its batch's id. */
  jobs: TurnBatch<JobPayload, string>;
}

export class NodeChannels {
  private readonly channels = new Map<string, NodeChannel>();
  private nextBatch = 0;

  constructor(private readonly redis: Redis, private readonly driverId: string) {}

  open(nodeId: string): void {
    const queue = new Queue(nodeQueue(nodeId), { connection: this.redis, prefix: QUEUE_PREFIX });
    queue.on("error", () => undefined); // connection trouble: the registry's heartbeat decides about the node
    this.channels.set(nodeId, { queue, jobs: new TurnBatch((jobs) => this.addBatch(queue, jobs)) });
  }

  /** Settles with the id of the BullMQ job that carries it, once in the node's queue. */
  send(nodeId: string, payload: JobPayload): Promise<string> {
    const channel = this.channels.get(nodeId);
    if (!channel) return Promise.reject(new Error(`node ${nodeId.slice(0, 12)} is gone`));
    return channel.jobs.add(payload);
  }

  private async addBatch(queue: Queue, jobs: JobPayload[]): Promise<string> {
    const batch = `b-${this.driverId}-${this.nextBatch++}`;
    await queue.add("batch", packBatch(jobs), { jobId: batch, removeOnComplete: true, removeOnFail: true });
    return batch;
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
