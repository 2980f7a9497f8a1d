// Which cell is printing. AsyncLocalStorage follows timers and promises, so output from
// a setTimeout or an awaited task started by cell 3 still goes to cell 3.
import { AsyncLocalStorage } from "node:async_hooks";
import type { CellOutput } from "./ipc";
import { sendToKernel } from "./to-kernel";

const cellStorage = new AsyncLocalStorage<number>();
let lastCell = 0;

export function runInCell<T>(cell: number, body: () => T): T {
  lastCell = cell;
  return cellStorage.run(cell, body);
}

/** The cell whose code (or callbacks) is running, or the latest cell for output from outside any. */
export function currentCell(): number {
  return cellStorage.getStore() ?? lastCell;
}

export function emitOutput(output: CellOutput, cell = currentCell()): void {
  sendToKernel({ kind: "output", cell, output });
}
