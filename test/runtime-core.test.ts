// The runtime as a plain library: tasks, objects, scheduling, errors, printing.
import { expect } from "chai";
import { inspect } from "node:util";
import * as ray from "../runtime";
import { time } from "../preload/time";

const K = 10;
function square(n: number): number {
  return n * n + K;
}
// Exported, so that the module's exports carry their values (a plain Node program's
// remote functions used by other tasks must be reachable from its exports).
export const inner = ray.remote((x: number) => x * 2);
export const outer = ray.remote(async (x: number) => ray.get(inner.remote(x)));
const sleepy = (s: number) => {
  time.sleep(s);
  return s;
};

describe("runtime: tasks, objects and scheduling", function () {
  before(() => ray.init({ numCpus: 2 }));
  after(() => ray.shutdown());

  it("runs a task using module-level declarations and returns its value", async () => {
    const f = ray.remote((x: number) => square(x));
    expect(await ray.get(f.remote(3))).to.equal(19);
    expect(await ray.get([f.remote(1), f.remote(2)])).to.deep.equal([11, 14]);
  });

  it("prints refs as ObjectRef(<56 hex>)", () => {
    const ref = ray.put(1);
    expect(String(ref)).to.match(/^ObjectRef\([0-9a-f]{56}\)$/);
    expect(inspect(ref)).to.equal(String(ref));
  });

  it("refuses a second init unless ignoreReinitError", () => {
    expect(() => ray.init()).to.throw(/Maybe you called ray.init twice by accident\?/);
    expect(ray.init({ ignoreReinitError: true }).numCpus).to.equal(2);
    expect(ray.isInitialized()).to.equal(true);
  });

  it("resolves top-level ref arguments (a task waits for them), keeps nested ones refs", async () => {
    const slow = ray.remote((x: number) => {
      time.sleep(0.2);
      return x;
    });
    const add = ray.remote((a: number, b: number) => a + b);
    expect(await ray.get(add.remote(slow.remote(1), slow.remote(2)))).to.equal(3);
    const nested = ray.remote((refs: unknown[]) => refs.length);
    expect(await ray.get(nested.remote([ray.put(1)]))).to.equal(1);
  });

  it("returns numReturns refs", async () => {
    const three = ray.remote({ numReturns: 3 }, () => [1, "a", true] as [number, string, boolean]);
    const [a, b, c] = three.remote();
    expect(await ray.get([a, b, c])).to.deep.equal([1, "a", true]);
  });

  it("rejects get with RayTaskError naming the task, with the cause and instanceof its class", async () => {
    const bad = ray.remote(function expensiveTask(x: number) {
      throw new RangeError(`too big: ${x}`);
    });
    try {
      await ray.get(bad.remote(5));
      expect.fail("get resolved");
    } catch (error) {
      expect(error).to.be.instanceOf(ray.exceptions.RayTaskError);
      expect(error).to.be.instanceOf(RangeError);
      expect(error).to.be.instanceOf(ray.exceptions.RayError);
      const e = error as Error & { cause: Error };
      expect(e.message).to.contain("ray::expensiveTask()");
      expect(e.cause.message).to.equal("too big: 5");
      expect(e.cause.name).to.equal("RangeError");
      expect(e.stack).to.contain("runtime-core.test");
    }
  });

  it("times out get with GetTimeoutError and refuses non-refs with a TypeError", async () => {
    const slow = ray.remote(sleepy);
    const ref = slow.remote(0.3);
    try {
      await ray.get(ref, { timeout: 0.05 });
      expect.fail("get resolved");
    } catch (error) {
      expect(error).to.be.instanceOf(ray.exceptions.GetTimeoutError);
      expect((error as Error).message).to.equal("Get timed out: some object(s) not ready.");
    }
    await ray.get(ref);
    try {
      await ray.get(42 as never);
      expect.fail("get resolved");
    } catch (error) {
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.contain("a number (42)");
    }
  });

  it("waits in input order, and checks wait's arguments as Ray does", async () => {
    const slow = ray.remote(sleepy);
    const refs = [slow.remote(0.4), slow.remote(0.05), slow.remote(0.2)];
    const [ready, notReady] = await ray.wait(refs, { numReturns: 2 });
    expect(ready).to.deep.equal([refs[1], refs[2]]);
    expect(notReady).to.deep.equal([refs[0]]);
    const [none] = await ray.wait([slow.remote(0.3)], { timeout: 0.01 });
    expect(none).to.deep.equal([]);
    const r = ray.put(1);
    await expectRejection(ray.wait([r, r]), /unique/);
    await expectRejection(ray.wait([r], { numReturns: 0 }), /Invalid number of objects to return 0/);
    await expectRejection(ray.wait([r], { numReturns: 2 }), /cannot be greater/);
    await expectRejection(ray.wait([r], { timeout: -1 }), /nonnegative/);
    await expectRejection(ray.wait(r as never), /expected a list of ray.ObjectRef/);
    const failing = ray.remote(() => {
      throw new Error("x");
    });
    const [failed] = await ray.wait([failing.remote()]);
    expect(failed).to.have.length(1);
  });

  it("puts large typed arrays in shared memory and hands them to tasks", async () => {
    const array = new Float64Array(1_000_000).fill(1.5);
    const ref = ray.put(array);
    const sum = ray.remote((a: Float64Array) => (a.buffer instanceof SharedArrayBuffer ? a.reduce((x, y) => x + y, 0) : -1));
    expect(await ray.get(sum.remote(ref))).to.equal(1_500_000);
  });

  it("holds both CPUs for a 2-CPU task, and reports resources", async () => {
    const busy = ray.remote({ numCpus: 2 }, sleepy);
    const one = ray.remote(sleepy);
    while (ray.availableResources().CPU !== 2) await delay(20);
    const start = performance.now();
    const big = busy.remote(0.3);
    await delay(50);
    expect(ray.availableResources().CPU).to.equal(undefined);
    await ray.get([big, one.remote(0.3)]);
    expect(performance.now() - start).to.be.greaterThan(580);
    expect(ray.availableResources().CPU).to.equal(2);
    expect(ray.clusterResources().CPU).to.equal(2);
    expect(ray.nodes()[0].Resources.CPU).to.equal(2);
    expect(ray.nodes()[0].Alive).to.equal(true);
  });

  it("cancels a queued task (TaskCancelledError) and a running one with force", async () => {
    const slow = ray.remote({ maxRetries: 0 }, sleepy);
    const blockers = [slow.remote(0.5), slow.remote(0.5)];
    const queued = slow.remote(0.1);
    ray.cancel(queued);
    await expectRejection(ray.get(queued), /cancelled/, ray.exceptions.TaskCancelledError);
    ray.cancel(blockers[0], { force: true });
    await expectRejection(ray.get(blockers[0]), /cancelled/, ray.exceptions.TaskCancelledError);
    await ray.get(blockers[1]);
  });

  it("fails a task whose worker dies with WorkerCrashedError after retries, and carries on", async () => {
    const crash = ray.remote({ maxRetries: 1 }, () => process.exit(3));
    await expectRejection(ray.get(crash.remote()), /worker died unexpectedly/, ray.exceptions.WorkerCrashedError);
    const f = ray.remote((x: number) => x + 1);
    expect(await ray.get(f.remote(1))).to.equal(2);
  });

  it("runs nested tasks; a task blocked in get lends its CPU", async () => {
    expect(await ray.get([outer.remote(1), outer.remote(2), outer.remote(3)])).to.deep.equal([2, 4, 6]);
  });

  it("refuses a closure over a local variable, naming it", () => {
    const local = 3;
    const f = ray.remote((x: number) => x + local);
    expect(() => f.remote(1)).to.throw(/uses 'local'.*pass 'local' as an argument/s);
  });

  it("records a timeline of tasks", () => {
    const events = ray.timeline();
    expect(events.length).to.be.greaterThan(5);
    expect(events[0]).to.include.keys("name", "ts", "dur", "tid");
  });
});

describe("runtime: the lesson's schedule", function () {
  const u = 0.5;
  before(() => ray.init({ numCpus: 2 }));
  after(() => ray.shutdown());

  it("runs 2W sleep tasks of 0, u, 2u, 3u in (3W-2)u, within 3%", async () => {
    const f = ray.remote(sleepy);
    await ray.get([f.remote(0), f.remote(0)]);
    const start = performance.now();
    await ray.get([0, 1, 2, 3].map((n) => f.remote(n * u)));
    const took = (performance.now() - start) / 1000;
    expect(took).to.be.closeTo(4 * u, 4 * u * 0.03);
  });

  it("five tasks of 0..4u with one get take 4u (given 5 CPUs, as the original's 8)", async () => {
    await ray.shutdown();
    ray.init({ numCpus: 5 });
    const f = ray.remote(sleepy);
    await ray.get([0, 0, 0, 0, 0].map(() => f.remote(0.2)));
    const start = performance.now();
    await ray.get([0, 1, 2, 3, 4].map((n) => f.remote(n * u)));
    expect((performance.now() - start) / 1000).to.be.closeTo(4 * u, 4 * u * 0.03);
  });
});

async function expectRejection(promise: Promise<unknown>, message: RegExp, cls?: Function): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).message).to.match(message);
    if (cls) expect(error).to.be.instanceOf(cls);
    return;
  }
  expect.fail("did not reject");
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
