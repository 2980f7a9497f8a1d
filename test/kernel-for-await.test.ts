// A cell may loop with `for await` at its top level, as it may `await`
// (kernel/compiler/top-level-for-await.ts).
import { expect } from "chai";
import { cellExecutorForSuite, runCleanly } from "./support/cell-executor";

describe("kernel: top-level for await", function () {
  const executor = cellExecutorForSuite();
  const valueOf = async (code: string) => (await runCleanly(executor(), code)).value;

  it("runs a top-level for await loop over an async generator and over promises", async () => {
    await valueOf("async function* upTo(n: number) {\n  for (let i = 1; i <= n; i++) yield i;\n}");
    expect(await valueOf("let sum = 0;\nfor await (const n of upTo(4)) sum += n;\nsum")).to.equal(10);
    expect(await valueOf("const seen: string[] = [];\nfor await (const s of [Promise.resolve('a'), 'b']) seen.push(s);\nseen")).to.deep.equal(["a", "b"]);
  });

  it("leaves a for await inside a function to that function", async () => {
    expect(await valueOf("async function total() {\n  let t = 0;\n  for await (const n of upTo(3)) t += n;\n  return t;\n}\ntotal()")).to.equal(6);
    expect(await valueOf("const later = async () => { for await (const n of upTo(2)) return n; };\nawait later()")).to.equal(1);
  });
});
