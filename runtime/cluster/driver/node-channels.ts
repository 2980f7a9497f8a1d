// The driver's line to each alive node: the node's stream of jobs (keys.nodeJobs, read by
// its node/job-inbox.ts), where the driver adds the jobs it places there as entries of many
// (batches, wire.ts: one command and one round trip for all of them, and one read for the
// node): those placed in one turn of the event loop, or while the batch before was being
// added (../turn-batch.ts: one batch at a time per node, so that a busy driver sends fewer,
// larger ones). Their ends come back on the driver's list of reports (reports.ts).
import type { Redis } from "ioredis";
import { keys } from "../keys";
import { JobPayload, packBatch } from "../wire";
import { TurnBatch } from "../turn-batch";

export class NodeChannels {
  /** By node: the jobs placed there, added as batches; each job's `add` settles with its batch's entry id. */
  private readonly channels = new Map<string, TurnBatch<JobPayload, string>>();

  constructor(private readonly redis: Redis) {}

  open(nodeId: string): void {
    this.channels.set(nodeId, new TurnBatch((jobs) => this.addBatch(nodeId, jobs)));
  }

  /** Settles with the id of the stream entry that carries it, once in the node's stream. */
  send(nodeId: string, payload: JobPayload): Promise<string> {
    const channel = this.channels.get(nodeId);
    if (!channel) return Promise.reject(new Error(`node ${nodeId.slice(0, 12)} is gone`));
    return channel.add(payload);
  }

  private async addBatch(nodeId: string, jobs: JobPayload[]): Promise<string> {
    return (await this.redis.xadd(keys.nodeJobs(nodeId), "*", "batch", packBatch(jobs)))!;
  }

  /** Batches the node has not read yet leave its stream (the driver is ending); those it read run out. */
  async withdraw(nodeId: string, batches: Iterable<string>): Promise<void> {
    const ids = [...batches];
    if (ids.length > 0) await this.redis.xdel(keys.nodeJobs(nodeId), ...ids).catch(() => 0);
  }

  /** `nodeDead`: nothing reads its stream any more, and its jobs go (they were placed again elsewhere). */
  async close(nodeId: string, nodeDead: boolean): Promise<void> {
    if (!this.channels.delete(nodeId)) return;
    if (nodeDead) await this.redis.del(keys.nodeJobs(nodeId)).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.channels.keys()].map((id) => this.close(id, false)));
  }
}
