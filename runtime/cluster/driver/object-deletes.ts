// The Redis keys of the objects the driver frees, deleted together, one DEL every
// DELETE_EVERY_MS at most: a batch of tasks ending frees its results and arguments at once,
// and a loop of `await ray.get(f.remote(x))` frees one object a task; a DEL each would be a
// round trip each. An object freed is never asked for again, so its key may linger a moment.
import type { Redis } from "ioredis";

const DELETE_EVERY_MS = 20;

export class ObjectDeletes {
  private pending: string[] = [];
  private timer?: NodeJS.Timeout;
  private flushed: Promise<void> = Promise.resolve();

  constructor(private readonly redis: Redis) {}

  delete(key: string): void {
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), DELETE_EVERY_MS);
      this.timer.unref();
    }
    this.pending.push(key);
  }

  /** Settles once every key given so far is deleted (or its DEL failed: the janitor sweeps). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const keys = this.pending;
    this.pending = [];
    if (keys.length > 0) this.flushed = this.redis.del(...keys).then(() => undefined, () => undefined);
    return this.flushed;
  }
}
