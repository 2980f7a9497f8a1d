// Reference counting: objects nothing refers to any more leave the store, so a long session
// does not grow without bound; refs still held (directly, nested in values, or minted by
// tasks) keep resolving. Garbage collection is forced in a child `node --expose-gc` process
// (fixtures/refcount-child.ts), so that this suite's own flags stay as they are.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const COUNT = 50_000;

describe("runtime: reference counting", function () {
  let report: {
    count: number;
    dropped: { entries: number; heapMb: number };
    resolved: Record<string, unknown>;
  };

  before(async () => {
    const child = join(__dirname, "fixtures", "refcount-child.js");
    const { stdout } = await promisify(execFile)(process.execPath, ["--expose-gc", child, String(COUNT)], { maxBuffer: 1 << 20 });
    report = JSON.parse(stdout.trim().split("\n").pop()!);
  });

  it(`frees ${COUNT.toLocaleString("en-US")} tasks' and puts' objects once their refs are dropped`, () => {
    // What stays: the few objects the child keeps refs to (and the nested ones it cannot free).
    expect(report.dropped.entries).to.be.at.most(20);
    // Unfreed, each task and put kept about 330 bytes: 30 MB here. The timeline's events stay.
    expect(report.dropped.heapMb).to.be.below(10);
  });

  it("still resolves refs kept across collections, nested in values, or minted by tasks", () => {
    expect(report.resolved).to.deep.equal({
      kept: 42,
      keptPut: { text: "kept" },
      nestedInPut: [2, "a"],
      siblings: [101, 102],
      mintedInTask: [7, 9],
      dependent: 2,
    });
  });
});
