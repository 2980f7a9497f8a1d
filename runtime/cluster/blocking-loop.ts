// A loop of blocking reads on a Redis connection of its own (a connection waiting in a
// blocking command serves nothing else): the driver's reports (driver/reports.ts) and a
// node's jobs (node/job-inbox.ts). A failed read is made again 100 ms later (Redis away for
// a moment), after `recover` if given. `stop` disconnects at once, failing the read that
// waits, instead of waiting for its block to run out.
import type { Redis } from "ioredis";

const RETRY_MS = 100;

export interface BlockingLoop {
  stop(): Promise<void>;
}

export function blockingLoop(blocking: Redis, readOnce: (blocking: Redis) => Promise<void>, recover?: (error: Error) => Promise<void>): BlockingLoop {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        await readOnce(blocking);
      } catch (error) {
        if (stopped) return;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        await recover?.(error as Error).catch(() => undefined);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      blocking.disconnect();
      await loop;
    },
  };
}
