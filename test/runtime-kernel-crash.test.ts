// A task that ends its worker (process.exit in a worker thread) inside the kernel: the
// cell gets WorkerCrashedError, the kernel lives on, and the runtime stays usable. A
// worker killed after its task returned is reported in the cell that submitted the task,
// and a task that outgrows its worker's heap fails alone with OutOfMemoryError.
import { expect } from "chai";
import { sharedTestKernel, resultText, ofType } from "./support/kernel";

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

  it("reports in the cell a worker killed by a timer its task left behind, and the task retried there", async () => {
    const code = [
      "const leaves = ray.remote(function leaves() { setTimeout(function lateTimer() { throw new RangeError('late timer'); }, 200); return 1; });",
      "const naps = ray.remote(async function naps() { await new Promise((r) => setTimeout(r, 1500)); return 2; });",
      "await ray.get(leaves.remote());",
      "await ray.get(naps.remote())",
    ].join("\n");
    const { reply, messages } = await run(code);
    expect(reply.content.status).to.equal("ok");
    expect(resultText(messages)).to.equal("2");
    const stderr = ofType(messages, "stream").filter((m) => m.content.name === "stderr").map((m) => m.content.text).join("");
    expect(stderr).to.match(/\(raylet\) worker \d+ \(pid=\d+\) died: RangeError: late timer \(at Timeout\.lateTimer .*__cell\d+__\.\w+:\d+:\d+\)\); ray::naps\(\) was running on it and is retried \(1\/3\)/);
  });

  it("fails a task that outgrows its worker's heap with OutOfMemoryError; the kernel and runtime carry on", async () => {
    await run("await ray.shutdown();\nray.init({ numCpus: 1, workerHeapMb: 64, dashboard: false });");
    const { reply } = await run("const hog = ray.remote(function hog() { const kept: number[][] = []; for (;;) kept.push(new Array(100_000).fill(1)); });\nawait ray.get(hog.remote())");
    expect(reply.content.status).to.equal("error");
    expect(reply.content.ename).to.equal("OutOfMemoryError");
    expect(reply.content.evalue).to.match(/ray::hog\(\) .*ran out of memory: its worker's heap reached the limit of 64 MB/);
    const after = await run("const twice = ray.remote((x: number) => 2 * x);\nawait ray.get(twice.remote(21))");
    expect(after.reply.content.status).to.equal("ok");
    expect(resultText(after.messages)).to.equal("42");
  });
});
