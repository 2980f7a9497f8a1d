// Calls that tasks on this node make to actors their driver placed elsewhere (or here, but
// through the driver all the same): the local backend hands them over (ForeignActorCall),
// they go to the driver over Redis pub/sub in the order they were made, the driver makes
// each as its own call (its ordering, placement and deaths apply), and answers as each of
// the call's objects settles. A top-level ref argument is sent as its value (the driver
// cannot see this node's objects).
import type { Redis } from "ioredis";
import type { DriverBackend, ForeignActorCall, Settle } from "../../core/backend";
import { Encoded, refIdOf } from "../../core/codec";
import { RayActorError } from "../../core/errors";
import { errorOf } from "../failures";
import { keys } from "../keys";
import { listen } from "../listen";
import { storedObject } from "../values";
import { ForeignCall, ForeignReply, packed, unpacked } from "../wire";
import type { OutputRelay } from "./output-relay";

export class ForeignCalls {
  /** Calls' objects waiting for the driver's answer: what settles each, and whose object it is. */
  private readonly waiting = new Map<string, { settle: Settle; driverId: string }>();
  /** Calls go out one after another: each waits for its arguments, then for the one before. */
  private sent: Promise<void> = Promise.resolve();
  /** Calls sent to each driver so far. */
  private readonly count = new Map<string, number>();

  constructor(
    private readonly nodeId: string,
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly local: DriverBackend,
    private readonly relay: OutputRelay
  ) {
    listen(subscriber, keys.replies(nodeId), (message) => void this.answered(unpacked<ForeignReply>(message)));
  }

  readonly forward: ForeignActorCall = (call, settle) => {
    const printer = this.relay.printerIn(call.context);
    if (!printer) {
      const error = new RayActorError(`The actor ${call.actorId} is not on this node, and the calling task's driver is unknown`);
      return call.refs.forEach((ref) => settle(ref, { error }));
    }
    for (const ref of call.refs) this.waiting.set(ref, { settle, driverId: printer.driverId });
    const args = this.valuesOf(call.args);
    this.sent = this.sent.then(async () => {
      const values = await args;
      const seq = (this.count.get(printer.driverId) ?? 0) + 1;
      this.count.set(printer.driverId, seq);
      const request: ForeignCall = { node: this.nodeId, seq, task: printer.task, actorId: call.actorId, method: call.method, args: values, refs: call.refs };
      await this.redis.publish(keys.calls(printer.driverId), packed(request));
    }).catch((error: Error) => call.refs.forEach((ref) => this.settled(ref, { error })));
  };

  /** How many calls have gone out to the driver, once every call made so far has. */
  async sentTo(driverId: string): Promise<number> {
    await this.sent;
    return this.count.get(driverId) ?? 0;
  }

  private async valuesOf(args: Encoded[]): Promise<Encoded[]> {
    return Promise.all(args.map(async (arg) => {
      const ref = refIdOf(arg);
      return ref ? (await this.local.getEncoded([ref]))[0] : arg;
    }));
  }

  private async answered({ ref, stored }: ForeignReply): Promise<void> {
    const waiting = this.waiting.get(ref);
    if (!waiting) return;
    try {
      const data = stored ? Buffer.from(stored, "base64") : await this.redis.getBuffer(keys.object(waiting.driverId, ref));
      if (!data) throw new Error(`the object ${ref} is not in Redis`);
      const object = storedObject(data);
      this.settled(ref, "value" in object ? { value: object.value } : { error: errorOf(object.failure) });
    } catch (error) {
      this.settled(ref, { error: error as Error });
    }
  }

  private settled(ref: string, outcome: Parameters<Settle>[1]): void {
    const waiting = this.waiting.get(ref);
    this.waiting.delete(ref);
    waiting?.settle(ref, outcome);
  }

  close(): void {
    this.subscriber.disconnect();
  }
}
