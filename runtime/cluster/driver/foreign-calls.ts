// The driver's side of node/foreign-calls.ts: a task on a node called an actor of this
// driver; the driver makes the call as its own (so its order, placement and the actor's
// death apply as to any call) and answers the node as each of the call's objects settles,
// with the object itself when small (then it is freed here: the node has it), else with
// its key in Redis (then kept until shutdown: the node may read it any time).
import type { Redis } from "ioredis";
import type { RefCounts } from "../../core/ref-counts";
import { failureOf } from "../failures";
import { keys } from "../keys";
import { listen } from "../listen";
import { storedBytes } from "../values";
import { ForeignCall, ForeignReply, INLINE_BYTES, packed, unpacked } from "../wire";
import type { ClusterActors } from "./actors";
import type { ClusterObjects } from "./objects";

/** A report waits this long at most for the calls it follows. */
const LOST_CALL_AFTER_MS = 2000;

export class ForeignCallsServed {
  /** Calls made, by node (their `seq`), and what waits for a node's count to reach a number. */
  private readonly made = new Map<string, number>();
  private readonly waiting = new Map<string, { count: number; then: () => void }[]>();

  constructor(
    private readonly driverId: string,
    subscriber: Redis,
    private readonly redis: Redis,
    private readonly objects: ClusterObjects,
    private readonly actors: ClusterActors,
    private readonly refs: RefCounts
  ) {
    listen(subscriber, keys.calls(driverId), (message) => this.make(unpacked<ForeignCall>(message)));
  }

  private make(call: ForeignCall): void {
    this.refs.escape(call.refs); // the node's task holds them
    this.actors.call(call.actorId, call.method, call.args, call.refs, call.task);
    for (const ref of call.refs) this.objects.onSettled(ref, () => this.answer(call.node, ref));
    this.made.set(call.node, call.seq);
    const ready = (this.waiting.get(call.node) ?? []).filter((waiter) => waiter.count <= call.seq);
    if (ready.length > 0) this.waiting.set(call.node, this.waiting.get(call.node)!.filter((waiter) => waiter.count > call.seq));
    for (const waiter of ready) waiter.then();
  }

  /**
   * Runs `then` once this driver has made the first `count` calls of the node's tasks (a
   * task's report waits for the calls it sent before it ended: pub/sub and the reports'
   * list are two connections, with no order between them).
   */
  afterCalls(node: string, count: number, then: () => void): void {
    if ((this.made.get(node) ?? 0) >= count) return then();
    let done = false;
    const once = () => !done && (done = true) && then();
    this.waiting.set(node, [...(this.waiting.get(node) ?? []), { count, then: once }]);
    // Pub/sub may lose a message (a reconnect): the report is not held for ever.
    setTimeout(once, LOST_CALL_AFTER_MS).unref();
  }

  private answer(node: string, ref: string): void {
    const error = this.objects.errorOf(ref);
    const value = this.objects.heldValue(ref);
    const stored = error ? storedBytes({ failure: failureOf(error) }, "an error") : value ? storedBytes({ value }, "a call's result") : undefined;
    const small = stored !== undefined && stored.length <= INLINE_BYTES;
    const reply: ForeignReply = { ref, stored: small ? stored.toString("base64") : null };
    void this.redis.publish(keys.replies(node), packed(reply)).catch(() => undefined);
    if (small) {
      this.objects.forget(ref);
      void this.redis.del(keys.object(this.driverId, ref)).catch(() => undefined);
    }
  }
}
