// A task that ends its worker (process.exit in a worker thread) inside the kernel: the
// cell gets WorkerCrashedError, the kernel lives on, and the runtime stays usable.
import { expect } from "chai";
import { sharedTestKernel, resultText } from "./support/kernel";

describe("runtime in the kernel: a crashing task", function () {
  const session = sharedTestKernel();
  const run = session.run;

  it("fails the cell with WorkerCrashedError; the kernel and runtime carry on", async () => {
    await run("ray.init({ numCpus: 2 });");
    const { reply } = await run("const crash = ray.remote({ maxRetries: 0 }, () => process.exit(3));\nawait ray.get(crash.remote())");
    expect(reply.content.status).to.equal("error");
    expect(reply.content.ename).to.equal("WorkerCrashedError");
    expect(reply.content.evalue).to.match(/worker died unexpectedly/);
    const after = await run("const inc = ray.remote((x: number) => x + 1);\nawait ray.get(inc.remote(41))");
    expect(after.reply.content.status).to.equal("ok");
    expect(resultText(after.messages)).to.equal("42");
  });
});
