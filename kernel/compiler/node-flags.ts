// How Node runs the executor (and builds its startup snapshot: a snapshot only loads
// under the V8 flags it was built with). Both flags are for compiling cells, hence here
// with the compiler. Measured with the kernel benchmark on two cores, interleaved runs:
// the median round trip of a small cell went from 20.7 to 15.7 ms.
// - One V8 background thread: more (the default is four) spend their time recompiling
//   TypeScript's functions, competing with the cell and the kernel for the cores.
// - A young generation of up to 64 MB: compiling a cell leaves megabytes of short-lived
//   objects (a program, a type checker), which the default size promotes for a full GC
//   to sweep. 64 rather than 32 MB: median 6.8 -> 6.7, 6.9 -> 6.7 and 5.8 -> 5.0 ms in
//   interleaved runs, for 40 MB more memory after 200 cells.
// Not used: --always-sparkplug (baseline code for every function from its first call).
// Small cells got about a tenth faster in interleaved kernels, but the flag holds for the
// whole process: the kernel started later, and so did the runtime's worker threads (the
// first task of a session 0.1 s later), which the lessons time.
export const EXECUTOR_NODE_FLAGS = ["--max-semi-space-size=64", "--v8-pool-size=1"];
