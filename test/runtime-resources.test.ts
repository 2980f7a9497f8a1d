// Resources as Ray counts them: a 0-CPU node and 0-CPU tasks (which get workers of their
// own beyond the CPU count), Ray's rule for CPU quantities, and the resource calls
// inside tasks.
import { expect } from "chai";
import * as ray from "../runtime";
import { time } from "../preload/time";

const threadAfterSleep = (s: number) => {
  time.sleep(s);
  return (require("node:worker_threads") as typeof import("node:worker_threads")).threadId;
};
const double = (x: number) => 2 * x;
const resourcesInside = () => ({ available: ray.availableResources(), cluster: ray.clusterResources(), node: ray.nodes()[0].NodeID });

describe("runtime: resources", function () {
  afterEach(() => ray.shutdown());

  it("starts with numCpus: 0, and runs 0-CPU tasks there", async () => {
    ray.init({ numCpus: 0, dashboard: false });
    expect(ray.clusterResources().CPU).to.equal(0);
    const free = ray.remote({ numCpus: 0 }, double);
    expect(await ray.get([free.remote(1), free.remote(2)])).to.deep.equal([2, 4]);
  });

  it("gives 0-CPU tasks more workers than there are CPUs", async () => {
    ray.init({ numCpus: 1, dashboard: false });
    const free = ray.remote({ numCpus: 0 }, threadAfterSleep);
    const threads = await ray.get([1, 2, 3, 4].map(() => free.remote(1.5)));
    expect(new Set(threads).size).to.be.greaterThan(1);
  });

  it("refuses a CPU quantity above 1 that is not whole, with Ray's message; accepts fractions below 1 and whole numbers", () => {
    expect(() => ray.remote({ numCpus: 1.5 }, double)).to.throw(RangeError, "CPU resource quantities >1 must be whole numbers. The specified quantity 1.5 is invalid.");
    expect(() => ray.remote({ numCpus: 0.00001 }, double)).to.throw(RangeError, /cannot go beyond 0.0001/);
    expect(() => ray.remote({ numCpus: 1.5 }, class Counter {})).to.throw(RangeError, /quantity 1.5 is invalid/);
    expect(() => ray.remote({ numCpus: 0.5 }, double)).not.to.throw();
    expect(() => ray.remote({ numCpus: 2 }, double)).not.to.throw();
  });

  it("answers availableResources, clusterResources and nodes inside a task", async () => {
    ray.init({ numCpus: 2, resources: { GPU: 1 }, dashboard: false });
    const inside = await ray.get(ray.remote(resourcesInside).remote());
    // The task itself holds one of the two CPUs while it asks.
    expect(inside.available.CPU).to.equal(1);
    expect(inside.available.GPU).to.equal(1);
    expect(inside.cluster).to.deep.equal(ray.clusterResources());
    expect(inside.node).to.equal(ray.nodes()[0].NodeID);
  });
});
