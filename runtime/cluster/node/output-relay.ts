// What tasks print on a node goes to the driver that submitted them, over Redis pub/sub
// (a Printed message), each line's "(f pid=..., worker=...)" prefix naming the node too.
// The local backend the agent drives writes a task's lines on stdout in the async context
// that submitted it; the agent submits each job inside `within`, so that those writes know
// their driver and task.
import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";
import type { Redis } from "ioredis";
import { keys } from "../keys";

/** On the driver's output channel: `task` is the driver's id of the task that printed (the cell it goes to). */
export interface Printed {
  task: number;
  text: string;
}

export interface Printer {
  driverId: string;
  task: number;
}

export class OutputRelay {
  private readonly printer = new AsyncLocalStorage<Printer>();
  private readonly restore: () => void;

  constructor(private readonly redis: Redis, private readonly nodeLabel: string) {
    const stdout = process.stdout;
    const write = stdout.write;
    stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const printer = this.printer.getStore();
      if (printer === undefined) return (write as (...args: unknown[]) => boolean).call(stdout, chunk, ...rest);
      this.send(printer, this.withNode(String(chunk)));
      return true;
    }) as typeof stdout.write;
    this.restore = () => (stdout.write = write);
  }

  /** Whose task submitted in `context` (a job's, made inside `within`). */
  printerIn(context: AsyncResource | undefined): Printer | undefined {
    return context?.runInAsyncScope(() => this.printer.getStore());
  }

  within<T>(printer: Printer, run: () => T): T {
    return this.printer.run(printer, run);
  }

  /** Text the driver prints in the task's cell as it is (also a failure nothing can `get`). */
  send(printer: Printer, text: string): void {
    const printed: Printed = { task: printer.task, text };
    void this.redis.publish(keys.output(printer.driverId), JSON.stringify(printed)).catch(() => undefined);
  }

  close(): void {
    this.restore();
  }

  private withNode(text: string): string {
    return text.replace(/^\(([^)\n]*)\) /gm, (_, inside: string) => `(${inside}, node=${this.nodeLabel}) `);
  }
}
