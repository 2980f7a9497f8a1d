// ray.shutdown() right after ray.init(), while the worker threads are still starting: the
// program ends at once. (threads.js waits for a starting thread's first message with a
// timer nothing can clear; a thread ended before that message held the program until then.)
import { expect } from "chai";
import { execFile } from "node:child_process";
import { join } from "node:path";

const program = `
const ray = require(${JSON.stringify(join(__dirname, "..", "runtime"))});
ray.init({ numCpus: 2, dashboard: false });
const start = Date.now();
ray.shutdown().then(() => console.log("shut down"));
process.on("exit", () => console.log("exit after " + (Date.now() - start) + " ms"));
`;

describe("runtime: shutdown while workers start", function () {
  this.timeout(90_000);

  it("lets a plain program end once shutdown resolves, not when threads.js's start-up timer fires", async () => {
    // A start-up timer of 60 s: waiting for it would take the program past the test's limit.
    const env = { ...process.env, THREADS_WORKER_INIT_TIMEOUT: "60000" };
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ["-e", program], { env, timeout: 45_000 }, (_error, out) => resolve({ code: child.exitCode, stdout: out }));
    });
    expect(stdout).to.contain("shut down");
    expect(code, stdout).to.equal(0);
    const took = Number(/exit after (\d+) ms/.exec(stdout)?.[1]);
    expect(took, stdout).to.be.below(30_000);
  });
});
