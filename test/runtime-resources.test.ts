// Resources as Ray counts them: a 0-CPU node and 0-CPU tasks (which get workers of their
// own beyond the CPU count), Ray's rule for CPU quantities, the resource calls inside
// tasks; actors' CPUs (a default actor needs one to be placed and holds none), and actors
// created inside tasks.
import { expect } from "chai";
import * as ray from "../runtime";
import { time } from "../preload/time";

const threadAfterSleep = (s: number) => {
  time.sleep(s);
  return (require("node:worker_threads") as typeof import("node:worker_threads")).threadId;
};
const double = (x: number) => 2 * x;
export class Tally {
  total = 0;
  add(x: number): number {
    return (this.total += x);
  }
}
// Exported: tasks reach a plain module's remote functions and actor classes through its exports.
export const TallyActor = ray.remote(Tally);
export const makesAnActor = ray.remote(async (start: number) => {
  const tally = TallyActor.remote();
  await tally.add.remote(start);
  return { handle: tally, total: await ray.get(tally.add.remote(1)) };
});
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

  it("places default actors on a 1-CPU node without holding its CPU; an explicit numCpus is held", async () => {
    ray.init({ numCpus: 1, dashboard: false });
    const tallies = [1, 2, 3].map(() => TallyActor.remote());
    const totals = await ray.get(tallies.map((t, i) => t.add.remote(i)), { timeout: 30 });
    expect(totals).to.deep.equal([0, 1, 2]);
    expect(ray.availableResources().CPU).to.equal(1);
    const held = TallyActor.options({ numCpus: 1 }).remote();
    await ray.get(held.add.remote(1));
    expect(ray.availableResources().CPU).to.equal(undefined);
    ray.kill(held);
    expect(ray.availableResources().CPU).to.equal(1);
  });

  it("keeps a default actor pending on a 0-CPU node (it needs a CPU to be placed, as Ray); a 0-CPU one runs", async () => {
    ray.init({ numCpus: 0, dashboard: false });
    const free = TallyActor.options({ numCpus: 0 }).remote();
    expect(await ray.get(free.add.remote(5))).to.equal(5);
    const pending = TallyActor.remote();
    await expectTimeout(ray.get(pending.add.remote(1), { timeout: 0.3 }));
  });

  it("creates an actor inside a task; its handle works in the task and in the driver", async () => {
    ray.init({ numCpus: 2, dashboard: false });
    const { handle, total } = await ray.get(makesAnActor.remote(10));
    expect(total).to.equal(11);
    expect(await ray.get(handle.add.remote(1))).to.equal(12);
  });
});

async function expectTimeout(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: Error) => e
  );
  expect(error).to.be.instanceOf(ray.exceptions.GetTimeoutError);
}
