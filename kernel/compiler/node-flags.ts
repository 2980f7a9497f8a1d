// How Node runs the executor. The flags are for compiling cells, hence here with the
// compiler. Measured with the kernel benchmark on two cores, interleaved runs:
// - One V8 background thread: more (the default is four) spend their time recompiling
//   TypeScript's functions, competing with the cell and the kernel for the cores. With a
//   64 MB young generation (since given up, below), the median round trip of a small cell
//   went from 20.7 to 15.7 ms.
// - A young generation of 16 MB (V8's default, said here because it is measured) and an
//   old generation that grows by 60% of what survives a full GC, not by V8's factor of up
//   to four: compiling a cell leaves a program and a type checker behind until the next
//   cell, garbage that V8 would otherwise let pile up. After 200 cells the kernel's
//   process tree held 375 MB instead of 502 (the executor's live heap after a full GC is
//   86 MB either way), with no slower cells: interleaved rounds against the 64 MB young
//   generation of before. The 16 MB alone held 427 MB. A 30% growth held no less (382 MB)
//   and its full GCs, every forty cells or so, slowed the cells they fell in; an 8 MB
//   young generation held 20 MB less, with slower cells; --optimize-for-size 310 MB, with
//   cells 80% slower.
// Not used: --always-sparkplug (baseline code for every function from its first call).
// Small cells got about a tenth faster in interleaved kernels, but the flag holds for the
// whole process: the kernel started later, and so did the runtime's worker threads (the
// first task of a session 0.1 s later), which the lessons time.
export const EXECUTOR_NODE_FLAGS = ["--max-semi-space-size=16", "--heap-growing-percent=60", "--v8-pool-size=1"];
