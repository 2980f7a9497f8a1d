// What a worker thread loads: only what running a task needs. The free-name analysis and
// the JavaScript parser it uses (acorn) stay in the thread that ships functions; no compiler module
// is in a worker's require.cache, in a plain Node program (here) and in the kernel
// (runtime-kernel.test.ts).
import { expect } from "chai";
import * as ray from "../runtime";

/** The modules of a compiler, or of the driver's side of the runtime, a worker has loaded. */
export const heavyModulesHere = ray.remote(() =>
  Object.keys(require.cache).filter((file) => /typescript|@tslab|[\\/]tslab[\\/]|[\\/]runtime[\\/](local[\\/]backend|dashboard|shipping[\\/]free-names)/.test(file))
);

describe("runtime: lean worker threads", function () {
  before(() => ray.init({ numCpus: 2, dashboard: false }));
  after(() => ray.shutdown());

  it("a pool worker has loaded no compiler, no dashboard, no driver", async () => {
    const [first, second] = await ray.get([heavyModulesHere.remote(), heavyModulesHere.remote()]);
    expect(first).to.deep.equal([]);
    expect(second).to.deep.equal([]);
  });

  it("the driver, which ships functions, has the parser loaded (the check sees it where it is)", async () => {
    // A function no module exports is shipped by its source, which the parser reads for free names.
    expect(await ray.get(ray.remote((x: number) => Math.max(x, 2)).remote(1))).to.equal(2);
    expect(Object.keys(require.cache).some((file) => /[\\/]acorn[\\/]/.test(file))).to.equal(true);
  });
});
