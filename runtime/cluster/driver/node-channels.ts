// The driver's line to each alive node: the node's BullMQ queue, where the driver adds the
// jobs it places there, and the queue's events, where it hears each job's end (the report
// a node returns, or why the node could not run it).
import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import type { ClusterAddress } from "../address";
import { nodeQueue, QUEUE_PREFIX } from "../keys";
import { JobPayload, packPayload, TaskReport } from "../wire";

export interface JobEnds {
  done(jobId: string, report: TaskReport): void;
  failed(jobId: string, reason: string): void;
}

interface NodeChannel {
  queue: Queue;
  events: QueueEvents;
}

export class NodeChannels {
  private readonly channels = new Map<string, NodeChannel>();

  constructor(private readonly address: ClusterAddress, private readonly redis: Redis, private readonly ends: JobEnds) {}

  open(nodeId: string): void {
    const { host, port, password } = this.address;
    const queue = new Queue(nodeQueue(nodeId), { connection: this.redis, prefix: QUEUE_PREFIX });
    // QueueEvents blocks on its connection: its own, as BullMQ asks.
    const events = new QueueEvents(nodeQueue(nodeId), { connection: { host, port, password, maxRetriesPerRequest: null }, prefix: QUEUE_PREFIX });
    queue.on("error", () => undefined); // connection trouble: the registry's heartbeat decides about the node
    events.on("error", () => undefined);
    events.on("completed", ({ jobId, returnvalue }) => {
      this.ends.done(jobId, (typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue) as TaskReport);
    });
    events.on("failed", ({ jobId, failedReason }) => this.ends.failed(jobId, failedReason));
    this.channels.set(nodeId, { queue, events });
  }

  async send(nodeId: string, jobId: string, payload: JobPayload): Promise<void> {
    const channel = this.channels.get(nodeId);
    if (!channel) throw new Error(`node ${nodeId.slice(0, 12)} is gone`);
    await channel.queue.add("task", packPayload(payload), { jobId, removeOnComplete: true, removeOnFail: true });
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
    await Promise.all([channel.queue.close(), channel.events.close()]).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.channels.keys()].map((id) => this.close(id, false)));
  }
}
