// A cell that compiled keeps its declarations when it throws or is interrupted, as a Python
// cell keeps what it assigned before it failed (tslab alone dropped them: later cells got
// "Cannot find name").
import { expect } from "chai";
import { cellExecutorForSuite, runCleanly } from "./support/cell-executor";

describe("kernel: the declarations of a cell that failed", function () {
  const suiteExecutor = cellExecutorForSuite();

  it("keeps the values a throwing cell assigned; the names after the throw hold undefined", async () => {
    const executor = suiteExecutor();
    const failed = await executor.execute('const before = 1;\nthrow new Error("boom");\nconst after = 2;', "a.js");
    expect((failed.thrown?.error as Error).message).to.equal("boom");
    expect((await runCleanly(executor, "[before, after]")).value).to.deep.equal([1, undefined]);
  });

  it("keeps what an awaited cell assigned before it was interrupted", async () => {
    const executor = suiteExecutor();
    const awaiting = executor.execute("const assigned = 'kept';\nawait new Promise(() => {});", "b.js");
    setImmediate(() => executor.interrupt());
    expect((await awaiting).ok).to.equal(false);
    expect((await runCleanly(executor, "assigned")).value).to.equal("kept");
  });

  it("keeps the earlier declarations when a cell does not compile", async () => {
    const executor = suiteExecutor();
    await runCleanly(executor, "const earlier = 3;");
    expect((await executor.execute("const broken: number = 'text';", "c.js")).diagnostics).to.have.length(1);
    expect((await runCleanly(executor, "earlier")).value).to.equal(3);
  });
});
