import { setFlagsFromString } from "node:v8";

// How Node runs the executor (and builds its startup snapshot: a snapshot only loads
// under the V8 flags it was built with). Measured with the kernel benchmark on two cores,
// interleaved runs: the median round trip of a small cell went from 20.7 to 15.7 ms.
// - One V8 background thread: more (the default is four) spend their time recompiling
//   TypeScript's functions, competing with the cell and the kernel for the cores.
// - A 32 MB young generation: compiling a cell leaves megabytes of short-lived objects
//   (a program, a type checker), which the default size promotes for a full GC to sweep.
export const EXECUTOR_NODE_FLAGS = ["--max-semi-space-size=32", "--v8-pool-size=1"];

/**
 * Baseline code (Sparkplug) for every function from its first call, not after V8 has
 * interpreted it a while: a fresh executor runs TypeScript's thousands of functions cold,
 * and the first few hundred cells are where that shows (interleaved kernels, 200 cells
 * each: the median round trip was lower in 12 of 16 pairs, by about a tenth). From the
 * start, though, it slowed the kernel's start (compiling all that the preload and the
 * first cell call), so the executor switches it on once the first cell has run.
 */
export function compileBaselineCodeEagerly(): void {
  setFlagsFromString("--always-sparkplug");
}
