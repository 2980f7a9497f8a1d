// A node's jobs, as the drivers place them: a Redis stream per node (keys.nodeJobs), one
// entry per batch (wire.ts), read through the stream's consumer group by one blocking
// connection of its own, as many entries as have come at a time. Each batch runs as soon as
// it is read; once it has run, its entry is acknowledged and deleted, so the stream holds
// only what is queued or running (the group's pending list: what the node has taken), and a
// driver withdraws a batch not taken yet by deleting its entry.
//
// A stream with a consumer group, not a BullMQ queue (the cluster issue allows them where
// they measure better): the driver placed the batch on this node and retries it elsewhere if
// the node dies, so BullMQ's locks, stalled-job checks and retries had nothing to do here,
// while its scripts and wake-ups took 0.4 ms of a 1.1 ms round trip (docs/cluster.md).
import type { Redis } from "ioredis";
import { keys } from "../keys";
import { JobPayload, unpackBatch } from "../wire";
import { BlockingLoop, blockingLoop } from "../blocking-loop";

/** The stream's one consumer group, and its one consumer: the node agent. */
const GROUP = "node";
const CONSUMER = "agent";
/** Milliseconds a read blocks for before it is made again (`stop` ends one at once: ../blocking-loop.ts). */
const BLOCK_MS = 5_000;
/** Entries taken in one read at most. */
const BATCH = 1000;

type StreamReply = [key: Buffer, entries: [id: Buffer, fields: Buffer[]][]][] | null;

/** From the stream's first entry on (a driver may add before the group exists); made with the stream if need be. */
async function createGroup(redis: Redis, stream: string): Promise<void> {
  await redis.xgroup("CREATE", stream, GROUP, "0", "MKSTREAM").catch((error: Error) => {
    if (!/BUSYGROUP/.test(error.message)) throw error;
  });
}

export class JobInbox {
  private readonly stream: string;
  private readonly loop: BlockingLoop;

  private constructor(blocking: Redis, private readonly redis: Redis, private readonly nodeId: string, private readonly run: (payloads: JobPayload[]) => Promise<void>) {
    this.stream = keys.nodeJobs(nodeId);
    // The stream deleted under it (a driver took the node for dead): made again, as the node goes on until told it is lost.
    const recover = (error: Error) => (/NOGROUP/.test(error.message) ? createGroup(redis, this.stream) : Promise.resolve());
    this.loop = blockingLoop(blocking, (connection) => this.readOnce(connection), recover);
  }

  /** Ready once its group exists: what a driver adds from then on is read. */
  static async open(blocking: Redis, redis: Redis, nodeId: string, run: (payloads: JobPayload[]) => Promise<void>): Promise<JobInbox> {
    await createGroup(redis, keys.nodeJobs(nodeId));
    return new JobInbox(blocking, redis, nodeId, run);
  }

  private async readOnce(blocking: Redis): Promise<void> {
    const reply = (await blocking.xreadgroupBuffer("GROUP", GROUP, CONSUMER, "COUNT", BATCH, "BLOCK", BLOCK_MS, "STREAMS", this.stream, ">")) as StreamReply;
    for (const [, entries] of reply ?? []) for (const [id, fields] of entries) void this.runEntry(id.toString(), fields[1]);
  }

  private async runEntry(id: string, packed: Buffer): Promise<void> {
    try {
      await this.run(unpackBatch(packed));
    } catch (error) {
      // A batch's jobs report their own failures to their drivers; this is what escaped them.
      console.error(`tsray node ${this.nodeId}: the batch ${id} failed outside its jobs: ${(error as Error)?.stack ?? error}`);
    } finally {
      await this.redis.multi().xack(this.stream, GROUP, id).xdel(this.stream, id).exec().catch(() => undefined);
    }
  }

  /** Ends the reading (batches running go on); the stream itself is the agent's to delete. */
  stop(): Promise<void> {
    return this.loop.stop();
  }
}
