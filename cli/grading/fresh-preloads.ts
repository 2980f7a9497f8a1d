// Keeps the preloaded names a check relies on (`assert` above all) the grader's. A student's
// cell can redeclare `assert` (a no-op function, say) or replace its methods; so the check
// imports the preloaded names afresh, and before any student cell runs (again after each
// restart of the process running the cells) `assert` is frozen, so that what the check
// imports is still Node's own.
import { preloadCell } from "../../kernel/compiler/preload-cell";

/** Run silently before the first cell, and after the kernel replaced its executor. */
export const FREEZE_PRELOADS = "Object.freeze(assert.strict); Object.freeze(assert);";

/** A check's code bound to fresh preloaded names. On its first line, so its errors keep the check's line numbers. */
export function withFreshPreloads(checkSource: string): string {
  return `${preloadCell()} ${checkSource}`;
}
