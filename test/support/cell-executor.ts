// tslab's converter and executor in the test process, as the kernel's executor runs them.
import { expect } from "chai";
import { CellExecutor, CellRun } from "../../kernel/executor/tslab-executor";

/** A CellExecutor made before the suite's tests and closed after them. */
export function cellExecutorForSuite(beforeRun?: () => void): () => CellExecutor {
  let executor: CellExecutor | undefined;
  before(() => (executor = new CellExecutor(process.cwd(), beforeRun)));
  after(() => executor?.close());
  return () => {
    if (!executor) throw new Error("the suite's CellExecutor is made in its before() hook");
    return executor;
  };
}

/** Runs a cell that has to compile and run without error. */
export async function runCleanly(executor: CellExecutor, code: string): Promise<CellRun> {
  const run = await executor.execute(code, "cell.js");
  expect(run.diagnostics, code).to.deep.equal([]);
  expect(run.thrown, code).to.equal(undefined);
  expect(run.ok, code).to.equal(true);
  return run;
}
