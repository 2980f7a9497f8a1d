// What a thread's messages to the driver (protocol.ts's FromWorker) are handed to: a table
// with one handler per message type, as ipykernel keeps one per request type, instead of a
// switch in each receiver. The driver's table takes a pool worker's messages; an actor's
// takes its own and hands the rest (nested `ray.*` calls) on.
import type { FromWorker } from "./protocol";
import type { WorkerSlot } from "./worker-slot";

export type WorkerMessage<T extends FromWorker["t"]> = Extract<FromWorker, { t: T }>;

export type WorkerMessageHandlers = { [T in FromWorker["t"]]?: (slot: WorkerSlot, message: WorkerMessage<T>) => void };

/** Hands the message to its type's handler, or to `otherwise` if the table has none. */
export function handleWorkerMessage(
  handlers: WorkerMessageHandlers,
  slot: WorkerSlot,
  message: FromWorker,
  otherwise?: (slot: WorkerSlot, message: FromWorker) => void
): void {
  const handler = handlers[message.t] as ((slot: WorkerSlot, message: FromWorker) => void) | undefined;
  if (handler) handler(slot, message);
  else otherwise?.(slot, message);
}
