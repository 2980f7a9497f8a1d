// What the cell's thread and the interrupt watcher share.

/** Slots of the Int32Array shared by the cell's thread and the interrupt watcher. */
export const SLEEP_FLAG = 0;
export const CURRENT_CELL = 1;
/** The cell the last interrupt named, kept for a cell still queued behind other work. */
export const INTERRUPTED_CELL = 2;
/**
 * 1 while the cell's thread runs the executor's own code (compiling a cell, finishing the
 * start, collecting the heap): no cell code runs before the flags are checked again, so the watcher can say
 * at once that the interrupt was taken, however long that work lasts.
 */
export const OWN_WORK = 3;
export const FLAG_SLOTS = 4;

/** The watcher tells the cell's thread of each interrupt, and whether it has answered it. */
export type InterruptNotice = { cell: number; answered: boolean };
