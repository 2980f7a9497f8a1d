/** Slots of the Int32Array shared by the cell's thread and the interrupt watcher. */
export const SLEEP_FLAG = 0;
export const CURRENT_CELL = 1;
/** The cell the last interrupt named, kept for a cell still queued behind other work. */
export const INTERRUPTED_CELL = 2;
export const FLAG_SLOTS = 3;
