// A worker that dies after its task returned (a timer's uncaught error) is reported on the
// driver's stderr, naming the worker, the error and where it was thrown, and the fate of
// the task running there; a task that outgrows its worker's heap limit fails alone with
// OutOfMemoryError, and so does one that fills memory outside the heap past the memory
// monitor's limit. Run in a child process (fixtures/worker-death-child.ts), whose output
// the test reads.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

describe("runtime: worker deaths", function () {
  let stderr = "";
  let report: Record<string, string> = {};

  before(async () => {
    const child = join(__dirname, "fixtures", "worker-death-child.js");
    const out = await promisify(execFile)(process.execPath, [child], { maxBuffer: 1 << 20, timeout: 60_000 });
    stderr = out.stderr;
    report = JSON.parse(out.stdout.trim().split("\n").pop()!);
  });

  it("prints the death of a worker killed by a timer after its task returned, and retries the task running there", () => {
    expect(report.first).to.equal("returned");
    expect(report.second).to.equal("slept");
    expect(stderr).to.match(
      /\(raylet\) worker 1 \(pid=\d+\) died: TypeError: thrown by a timer after its task returned \(at Timeout\.lateTimer .*worker-death-child\.js:\d+:\d+\)\); ray::waitsAsleep\(\) was running on it and is retried \(1\/3\)\. A new worker replaces it\./
    );
  });

  it("fails a task that outgrows its worker's heap limit with OutOfMemoryError, without retrying it; the next task runs", () => {
    expect(report.hog).to.match(/^OutOfMemoryError: ray::hog\(\) \(pid=\d+, worker=\d+\) ran out of memory: its worker's heap reached the limit of 64 MB/);
    expect(stderr).to.match(/died: Error: Worker terminated due to reaching memory limit: JS heap out of memory; ray::hog\(\) was running on it and failed with OutOfMemoryError/);
    expect(report.after).to.equal("42");
  });

  it("stops a task filling memory outside the heap past the memory monitor's limit: OutOfMemoryError, the next task runs", () => {
    expect(report.bufferHog).to.match(/^OutOfMemoryError: ray::bufferHog\(\) \(pid=\d+, worker=\d+\) ran out of memory: the process used \d+ MB, above the memory monitor's limit of \d+ MB/);
    expect(stderr).to.match(/died: stopped by the memory monitor: .*; ray::bufferHog\(\) was running on it and failed with OutOfMemoryError/);
    expect(report.afterBufferHog).to.equal("2");
  });
});
