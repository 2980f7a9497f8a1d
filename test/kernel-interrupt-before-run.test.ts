// An interrupt that comes while a cell is still being compiled stops the cell before its
// code runs (the executor's CellExecutor asks `beforeRun`, given beforeCellCode).
import { expect } from "chai";
import { cellExecutorForSuite } from "./support/cell-executor";

describe("kernel: a cell interrupted before its code runs", function () {
  let interrupted = false;
  const suiteExecutor = cellExecutorForSuite(() => {
    if (!interrupted) return;
    throw Object.assign(new Error("the cell was interrupted before it started"), { name: "KeyboardInterrupt" });
  });

  it("does not start the cell, reports the interrupt, keeps earlier variables and declares none of the cell's", async () => {
    const executor = suiteExecutor();
    expect((await executor.execute("let runs = 0;", "a.js")).ok).to.equal(true);
    interrupted = true;
    const stopped = await executor.execute("const neverRun = 1;\nruns += 1;\nwhile (true) {}", "b.js");
    interrupted = false;
    expect(stopped.ok).to.equal(false);
    expect((stopped.thrown?.error as Error).name).to.equal("KeyboardInterrupt");
    const after = await executor.execute("runs", "c.js");
    expect(after.value).to.equal(0);
    expect((await executor.execute("neverRun", "d.js")).diagnostics.map((d) => d.message)).to.deep.equal(["Cannot find name 'neverRun'."]);
  });
});
