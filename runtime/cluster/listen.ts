// One pub/sub channel's messages on a subscriber connection that listens to several (ioredis
// hands every channel's messages to every "message" listener).
import type { Redis } from "ioredis";

export function listen(subscriber: Redis, channel: string, handle: (message: string) => void): void {
  void subscriber.subscribe(channel).catch(() => undefined); // resubscribed by ioredis on reconnect
  subscriber.on("message", (from: string, message: string) => from === channel && handle(message));
}
