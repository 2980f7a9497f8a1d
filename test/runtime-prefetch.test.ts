// Prefetching short tasks to busy workers (runtime/prefetch.ts) must not make any task
// wait behind a long one while a worker idles, nor change the CPUs users see.
import { expect } from "chai";
import * as ray from "../runtime";
import { time } from "../preload/time";

const sleepy = (s: number) => {
  time.sleep(s);
  return s;
};

describe("runtime: prefetching short tasks", function () {
  before(() => ray.init({ numCpus: 2 }));
  after(() => ray.shutdown());

  it("takes back short tasks queued behind a long one when a worker idles", async () => {
    const f = ray.remote(sleepy);
    await ray.get(Array.from({ length: 50 }, () => f.remote(0))); // f now counts as short
    const long = f.remote(1);
    const shorts = Array.from({ length: 200 }, () => f.remote(0));
    const start = performance.now();
    await ray.get(shorts);
    expect(performance.now() - start).to.be.lessThan(500);
    expect(ray.availableResources().CPU).to.equal(1);
    await ray.get(long);
    expect(ray.availableResources().CPU).to.equal(2);
  });

  it("runs many tiny tasks, results in order", async () => {
    const inc = ray.remote((x: number) => x + 1);
    const values = await ray.get(Array.from({ length: 5000 }, (_, i) => inc.remote(i)));
    expect(values).to.deep.equal(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(ray.availableResources().CPU).to.equal(2);
  });
});
