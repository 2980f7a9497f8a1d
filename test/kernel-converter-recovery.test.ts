// tslab's converter can break when files it watches change under it; the executor then
// carries on with a fresh converter and keeps the cells' declarations.
import { expect } from "chai";
import { cellExecutorForSuite } from "./support/cell-executor";

describe("kernel: a broken tslab converter is replaced", function () {
  const suiteExecutor = cellExecutorForSuite();

  it("runs the next cell with a fresh converter, earlier declarations intact", async () => {
    const executor = suiteExecutor();
    expect((await executor.execute("const kept: number = 41;", "a.js")).ok).to.equal(true);
    const internals = executor as unknown as { converter: { convert: () => never; close(): void } };
    const broken = internals.converter;
    internals.converter = {
      convert: () => {
        throw new Error("Unexpected pending rebuildTimer");
      },
      close: () => broken.close(),
    };
    const run = await executor.execute("kept + 1", "b.js");
    expect(run.ok).to.equal(true);
    expect(run.value).to.equal(42);
    expect(internals.converter).not.to.equal(broken);
  });
});
