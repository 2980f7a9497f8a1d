// What tasks print on the nodes, printed here in the cell that submitted them: the nodes
// publish it on the driver's channel (node/output-relay.ts), naming the task by number.
import type { AsyncResource } from "node:async_hooks";
import type { Redis } from "ioredis";
import { printIn } from "../../core/task-output";
import { keys } from "../keys";
import { listen } from "../listen";
import type { Printed } from "../node/output-relay";

/** Cells kept for output that arrives after its task's report. */
const RECENT_CONTEXTS = 10_000;

export class CellOutput {
  private readonly contexts = new Map<number, AsyncResource>();

  constructor(subscriber: Redis, driverId: string) {
    listen(subscriber, keys.output(driverId), (message) => this.print(JSON.parse(message) as Printed));
  }

  /** The cell of task `number`. */
  remember(number: number, context: AsyncResource): void {
    this.contexts.set(number, context);
    if (this.contexts.size > RECENT_CONTEXTS) this.contexts.delete(this.contexts.keys().next().value!);
  }

  private print({ task, text }: Printed): void {
    printIn(this.contexts.get(task), process.stdout, text);
  }

}
