// What each message of a pool worker does in the driver (and each nested `ray.*` call an
// actor's method makes, which its actor hands on): a handler per message type
// (worker-messages.ts), each one call on the backend. Requests a task waits for (`get`,
// `wait`) are answered on the worker's port with the value or the error.
import type { Encoded } from "../core/codec";
import { errorToSend } from "../core/errors";
import type { Shipment } from "../core/shipment";
import type { SubmitOptions } from "../core/task-options";
import { shippedFunction } from "../shipping/shipped-registry";
import type { TaskResult } from "./protocol";
import type { WorkerMessageHandlers } from "./worker-messages";
import type { WorkerSlot } from "./worker-slot";

/** The backend's side of the messages. */
export interface PoolMessageTarget {
  onResult(slot: WorkerSlot, result: TaskResult): void;
  log(slot: WorkerSlot, taskId: number, text: string): void;
  /** `refs`: minted by the worker, which may hold them already. */
  submitNested(slot: WorkerSlot, shipment: Shipment, args: Encoded[], options: SubmitOptions, refs: string[]): void;
  putNested(id: string, value: Encoded): void;
  /** The encoded values (a task decodes them itself). */
  getEncoded(ids: string[], timeout?: number): Promise<Encoded[]>;
  wait(ids: string[], numReturns: number, timeout?: number): Promise<boolean[]>;
  cancel(id: string, force: boolean): void;
  lend(slot: WorkerSlot, taskId: number, blocked: boolean): void;
  callActorNested(slot: WorkerSlot, actor: string, method: string, args: Encoded[], numReturns: number, refs: string[]): void;
  killActor(id: string): void;
  createActorNested(id: string, shipment: Shipment, args: Encoded[], options: SubmitOptions): void;
}

export function poolMessageHandlers(target: PoolMessageTarget): WorkerMessageHandlers {
  return {
    done: (slot, message) => {
      for (const result of message.results) target.onResult(slot, result);
    },
    log: (slot, message) => target.log(slot, message.task, message.text),
    submit: (slot, message) => target.submitNested(slot, { fn: shippedFunction(message.fn)!, data: message.data }, message.args, message.options, message.refs),
    put: (_slot, message) => target.putNested(message.id, message.value),
    get: (slot, message) => void reply(slot, message.req, target.getEncoded(message.ids, message.timeout)),
    wait: (slot, message) => void reply(slot, message.req, target.wait(message.ids, message.numReturns, message.timeout)),
    cancel: (slot, message) => {
      // Fire and forget from a task: a refused cancel has no caller to throw to, so it is
      // printed where the task's output goes.
      try {
        target.cancel(message.id, message.force);
      } catch (error) {
        target.log(slot, slot.assigned[0] ?? -1, `${(error as Error).name}: ${(error as Error).message}`);
      }
    },
    blocked: (slot, message) => target.lend(slot, message.task, message.blocked),
    "actor.call": (slot, message) => target.callActorNested(slot, message.actor, message.method, message.args, message.numReturns, message.refs),
    "actor.kill": (_slot, message) => target.killActor(message.actor),
    "actor.new": (_slot, message) => target.createActorNested(message.actor, { fn: message.fn, data: message.data }, message.args, message.options),
  };
}

/** Answers a task's request with the value, or with the error it failed with. */
function reply(slot: WorkerSlot, req: number, answer: Promise<unknown>): Promise<void> {
  return answer.then(
    (value) => slot.post({ t: "reply", req, ok: true, value }),
    (error: Error) => slot.post({ t: "reply", req, ok: false, error: errorToSend(error) })
  );
}
