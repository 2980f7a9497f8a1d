// The executor gives its heap back when the kernel sits idle (kernel/executor/idle-memory.ts),
// and not while cells keep coming; and what its start left behind once it has started.
import { expect } from "chai";
import { delay, sharedTestKernel } from "./support/kernel";

const MB = 1024 * 1024;
const committedHeap = 'require("node:v8").getHeapStatistics().total_heap_size';

describe("kernel: memory given back between cells", function () {
  this.timeout(60_000);
  const session = sharedTestKernel();
  const committed = async () => Number(await session.value(committedHeap));

  it("lets go of what its start parsed once it has finished starting", async () => {
    // The start parses the declaration files twice (without docs, then with them and
    // combined): ~40 MB that V8 collects in time, but it sizes the heap from the full
    // collection that still found them live. Measured a second after the first cell,
    // before the idle release could run: 116 MB committed with the collection at the end
    // of the start, 135 MB without.
    await session.value("1");
    await delay(1_000);
    expect((await committed()) / MB, "committed heap a second after the start, MB").to.be.lessThan(125);
  });

  it("releases the heap a cell left behind once no request has come for a while", async () => {
    const before = await committed();
    // Garbage that lives long enough to reach the old generation, then is dropped: large
    // enough that the heap grows well past the release threshold (32 MB) however V8 sizes
    // its heap on this machine (it grows it less where there is less memory).
    await session.value("let junk: object[] | null = Array.from({ length: 3_000_000 }, (_, i) => ({ i, s: 'x' + i })); junk.length");
    await session.value("junk = null; 0");
    const grown = await committed();
    const growth = grown - before;
    const heaps = (rested: number) => `committed heap ${[before, grown, rested].map((b) => (b / MB).toFixed(0)).join(" -> ")} MB`;
    expect(growth, heaps(grown)).to.be.greaterThan(64 * MB);
    // Cells back to back: no pause, so nothing is released yet.
    expect(await committed()).to.be.greaterThan(grown - 16 * MB);
    await delay(4_000);
    const rested = await committed();
    expect(rested, heaps(rested)).to.be.lessThan(grown - growth / 2);
  });

  it("leaves no gc function in the cells' global scope", async () => {
    expect(await session.value("typeof (globalThis as { gc?: unknown }).gc")).to.equal("'undefined'");
  });
});
