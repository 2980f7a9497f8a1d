// The Redis keys of the objects the driver frees, deleted in one DEL per turn of the event
// loop: a batch of tasks ending frees its results and arguments together, and a DEL each
// would be a round trip each.
import type { Redis } from "ioredis";

export class ObjectDeletes {
  private pending: string[] = [];
  private flushed: Promise<void> = Promise.resolve();

  constructor(private readonly redis: Redis) {}

  delete(key: string): void {
    if (this.pending.length === 0) setImmediate(() => void this.flush());
    this.pending.push(key);
  }

  /** Settles once every key given so far is deleted (or its DEL failed: the janitor sweeps). */
  flush(): Promise<void> {
    const keys = this.pending;
    this.pending = [];
    if (keys.length > 0) this.flushed = this.redis.del(...keys).then(() => undefined, () => undefined);
    return this.flushed;
  }
}
