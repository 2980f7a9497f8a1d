// A fresh pool keeps the lesson's schedule: right after `init({ numCpus: 8 })`, a batch of 16
// tasks of 0..15 units (FIFO on 8 workers: 3W - 2 = 22 units, as the tutorial recorded
// 22.016 s) starts its first task within 0.2 s of submission and ends within 3% of 22 units.
// Run as a plain Node program in its own process (fixtures/warm-pool-child.ts), so that the
// threads start cold, as a learner's do. Units of 0.25 s keep it at about 6 s.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";

describe("runtime: a fresh pool is warm for the first batch", function () {
  this.timeout(60_000);

  it("init then 16 tasks of 0..15 units on 8 workers: first starts within 0.2 s, all end within 3% of 22 units", async () => {
    const child = join(__dirname, "fixtures", "warm-pool-child.js");
    const { stdout } = await promisify(execFile)(process.execPath, [child], { env: { ...process.env, TSRAY_TEST_UNIT: "0.25" } });
    const { firstStartS, units } = JSON.parse(stdout.trim().split("\n").pop()!) as { firstStartS: number; units: number };
    expect(firstStartS, stdout).to.be.below(0.2);
    expect(units, stdout).to.be.within(22, 22 * 1.03);
  });
});
