// A cell reaches earlier cells' variables by name, shorthand properties included
// (kernel/compiler/earlier-names-in-shorthand.ts).
import { expect } from "chai";
import { cellExecutorForSuite, runCleanly } from "./support/cell-executor";

describe("kernel: earlier cells' variables in shorthand properties", function () {
  const executor = cellExecutorForSuite();
  const valueOf = async (code: string) => (await runCleanly(executor(), code)).value;

  it("reads them into object literals, and leaves names a cell declares itself alone", async () => {
    await valueOf('let total = 1;\nconst label = "sum";');
    expect(await valueOf("const summary = { label, total, extra: 2 };\nsummary")).to.deep.equal({ label: "sum", total: 1, extra: 2 });
    expect(await valueOf("function wrap(total: number) { return { total }; }\nwrap(3)")).to.deep.equal({ total: 3 });
    expect(await valueOf("(() => ({ label }))()")).to.deep.equal({ label: "sum" });
  });

  it("assigns to them by destructuring, defaults included", async () => {
    await valueOf("let low = 0, high = 0;");
    expect(await valueOf("({ low, high } = { low: 5, high: 6 });\n[low, high]")).to.deep.equal([5, 6]);
    expect(await valueOf("({ low = 9 } = {} as { low?: number });\nlow")).to.equal(9);
  });

  // TypeScript keys such a name with a third underscore; tslab used to export that key,
  // and the cell failed with "Cannot find name '___a'".
  it("declares names that start with two underscores, for the cell and the next", async () => {
    expect(await valueOf("const __hidden = 4, ___three = 3;\n__hidden + ___three")).to.equal(7);
    expect(await valueOf("__hidden * ___three")).to.equal(12);
  });
});
