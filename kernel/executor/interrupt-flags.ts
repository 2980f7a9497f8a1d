/** Slots of the Int32Array shared by the cell's thread and the interrupt watcher. */
export const SLEEP_FLAG = 0;
export const CURRENT_CELL = 1;
export const FLAG_SLOTS = 2;
