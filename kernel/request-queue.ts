// One channel's requests, answered one at a time and in order, as ipykernel does for each
// of its channels: a request's busy ... idle on iopub then never holds another status of
// the same channel (a client's kernel_info answered while the next request already began).
import type { Message } from "./protocol/wire";

export class RequestQueue {
  private readonly waiting: Message[] = [];
  private wake: (() => void) | null = null;
  private stopped = false;

  constructor(private readonly answer: (request: Message) => Promise<void>) {}

  push(request: Message): void {
    this.waiting.push(request);
    this.wake?.();
  }

  /** Takes the waiting requests that `chosen` picks out of the queue (for stop_on_error). */
  takeWaiting(chosen: (request: Message) => boolean): Message[] {
    const taken = this.waiting.filter(chosen);
    const kept = this.waiting.filter((request) => !chosen(request));
    this.waiting.splice(0, this.waiting.length, ...kept);
    return taken;
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      const request = this.waiting.shift();
      if (request) await this.answer(request);
      else await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }
}
