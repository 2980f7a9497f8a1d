// Ray's own cases from python/ray/tests/test_basic.py, test_basic_2.py and test_wait.py
// that concern what the lessons teach (remote functions, options, numReturns, refs as
// arguments, nested tasks, get, wait, put, resources), written against tsray. Each test's
// title names the Ray test it comes from; sleeps are shortened (Ray's seconds to tenths).
import { expect } from "chai";
import { threadId } from "node:worker_threads";
import * as ray from "../runtime";
import { time } from "../preload/time";
import { rejectionOf, thrownBy } from "./support/outcomes";
import { rayForSuite, restartRay, waitForCondition } from "./support/ray-suite";

// Tasks use only top-level declarations (API.md section 3); the remote functions other
// tasks call are exported, so that the module's exports carry them to the workers.
export const sleepThen = ray.remote((seconds: number, value: unknown = null) => {
  time.sleep(seconds);
  return value;
});
export const identity = ray.remote((x: unknown) => x);
export const two = ray.remote(() => 2);
export const factorial = ray.remote(async (n: number): Promise<number> => (n === 0 ? 1 : n * (await ray.get(factorial.remote(n - 1)))));
export const factorialEven = ray.remote(async (n: number): Promise<number> => {
  if (n % 2 !== 0) throw new RangeError(`factorialEven(${n})`);
  return n === 0 ? 1 : n * (await ray.get(factorialOdd.remote(n - 1)));
});
export const factorialOdd = ray.remote(async (n: number): Promise<number> => {
  if (n % 2 !== 1) throw new RangeError(`factorialOdd(${n})`);
  return n * (await ray.get(factorialEven.remote(n - 1)));
});
export function one(): number {
  return 1;
}
export const h = ray.remote(() => 0);
export const g = ray.remote(async () => ray.get(h.remote()));
export const waitOnFirst = ray.remote(async (refs: ray.ObjectRef[]) => {
  await ray.wait([refs[0]]);
  return "waited";
});
export const getFirst = ray.remote(async (refs: ray.ObjectRef[]) => ray.get(refs[0]));
export const callsPassed = ray.remote(async (f: ray.RemoteFunction<[], number>) => ray.get(f.remote()));
export const whichThread = ray.remote(() => threadId);

describe("Ray's test_wait.py", function () {
  this.timeout(20_000);
  rayForSuite();

  it("test_wait.py::test_wait", async () => {
    const f = sleepThen;
    let refs = [f.remote(0), f.remote(0), f.remote(0), f.remote(0)];
    let [ready, remaining] = await ray.wait(refs);
    expect(ready).to.have.length(1);
    expect(remaining).to.have.length(3);
    [ready, remaining] = await ray.wait(refs, { numReturns: 4 });
    expect(new Set(ready)).to.deep.equal(new Set(refs));
    expect(remaining).to.deep.equal([]);

    refs = [f.remote(0), f.remote(1)];
    [ready, remaining] = await ray.wait(refs, { timeout: 0.5, numReturns: 2 });
    expect(ready).to.have.length(1);
    expect(remaining).to.have.length(1);

    const x = ray.put(1);
    await rejectionOf(ray.wait([x, x]));

    const puts = Array.from({ length: 10 }, (_, i) => ray.put(i));
    const [found, rest] = await ray.wait(puts, { numReturns: 2 });
    expect(found).to.have.length(2);
    expect(rest).to.have.length(8);

    expect(await rejectionOf(ray.wait(x as never))).to.be.instanceOf(TypeError);
    expect(await rejectionOf(ray.wait(1 as never))).to.be.instanceOf(TypeError);
    expect(await rejectionOf(ray.wait([1] as never))).to.be.instanceOf(TypeError);
  });

  it("test_wait.py::test_wait (an empty list)", async () => {
    expect(await ray.wait([])).to.deep.equal([[], []]);
  });

  it("test_wait.py::test_wait_timing", async () => {
    const future = sleepThen.remote(1);
    const start = time.time();
    const [ready, notReady] = await ray.wait([future], { timeout: 0.2 });
    const took = time.time() - start;
    // time.time() and the timer both count whole milliseconds: 0.199 is 200 ms.
    expect(took).to.be.within(0.199, 0.35);
    expect(ready).to.have.length(0);
    expect(notReady).to.have.length(1);
  });
});

describe("Ray's test_basic.py", function () {
  this.timeout(20_000);

  describe("with 2 CPUs", function () {
    rayForSuite();

    it("test_basic.py::test_nested_functions", async () => {
      // f uses g (a plain function) and h (a remote function) declared after it.
      const f = ray.remote(async () => [one(), await ray.get(two.remote())]);
      expect(await ray.get(f.remote())).to.deep.equal([1, 2]);
      expect(await ray.get([0, 1, 2, 3, 4, 5].map((n) => factorial.remote(n)))).to.deep.equal([1, 1, 2, 6, 24, 120]);
      expect(await ray.get(factorialEven.remote(4))).to.equal(24);
      expect(await ray.get(factorialOdd.remote(5))).to.equal(120);
    });

    it("test_basic.py::test_ray_recursive_objects", async () => {
      const list: unknown[] = [];
      list.push(list);
      const a1: { field?: unknown } = {};
      a1.field = a1;
      const a2: { field?: unknown } = {};
      const a3: { field?: unknown } = { field: a2 };
      a2.field = a3;
      const d1: Record<string, unknown> = {};
      d1.key = d1;
      const [l, b1, b2, e1] = (await ray.get([ray.put(list), ray.put(a1), ray.put(a2), ray.put(d1)])) as [unknown[], typeof a1, typeof a2, typeof d1];
      expect(l[0]).to.equal(l);
      expect(b1.field).to.equal(b1);
      expect((b2.field as typeof a3).field).to.equal(b2);
      expect(e1.key).to.equal(e1);
    });

    it("test_basic.py::test_passing_arguments_by_value_out_of_the_box", async () => {
      const set = new Set<unknown>([1, "hi"]);
      expect(await ray.get(identity.remote(new Set()))).to.deep.equal(new Set());
      expect(await ray.get(identity.remote(set))).to.deep.equal(set);
      const map = new Map([["a", 1]]);
      expect(await ray.get(identity.remote(map))).to.deep.equal(map);
      // Ray passes functions by value; tsray on purpose does not (API.md: "Where tsray differs
      // from Ray"): a remote function passed along is the way to hand a task code to run.
      expect(thrownBy(() => identity.remote(one)).message).to.match(/argument 1 is a function/);
      expect(await ray.get(callsPassed.remote(two))).to.equal(2);
    });

    it("test_basic.py::test_putting_object_that_closes_over_object_ref", async () => {
      const holder = { val: ray.put(0) };
      const back = (await ray.get(ray.put(holder))) as typeof holder;
      expect(await ray.get(back.val)).to.equal(0);
    });

    it("test_basic.py::test_invalid_arguments", () => {
      const f = () => 1;
      for (const key of ["numReturns", "maxRetries", "maxCalls"]) {
        const error = thrownBy(() => ray.remote({ [key]: 0.5 }, f));
        expect(error.message).to.contain(key);
      }
      for (const key of ["numReturns", "maxCalls"]) for (const v of [-1, -7]) expect(thrownBy(() => ray.remote({ [key]: v }, f)).message).to.contain(key);
      expect(thrownBy(() => ray.remote({ maxRetries: -2 }, f)).message).to.match(/maxRetries.*-1/);
      expect(() => ray.remote({ maxRetries: -1 }, f)).not.to.throw();
      expect(() => ray.remote({ maxCalls: 0 }, f)).not.to.throw();
    });

    it("test_basic.py::test_options (an unknown option is refused)", () => {
      expect(thrownBy(() => ray.remote({ unknownOption: 1 } as never, () => 1)).message).to.contain("unknownOption");
      expect(thrownBy(() => ray.remote(() => 1).options({ unknownOption: 1 } as never)).message).to.contain("unknownOption");
    });

    it("test_basic.py::test_submit_api", async () => {
      await restartRay({ numCpus: 2, resources: { Custom: 1 } });
      const f = ray.remote((n: number) => Array.from({ length: n }, (_, i) => i));
      expect(await ray.get(f.options({ numReturns: 1 }).remote(1))).to.deep.equal([0]);
      const [a, b] = f.options({ numReturns: 2 }).remote(2);
      expect(await ray.get([a, b])).to.deep.equal([0, 1]);
      const [c, d, e] = f.options({ numReturns: 3 }).remote(3);
      expect(await ray.get([c, d, e])).to.deep.equal([0, 1, 2]);
      const custom = ray.remote({ numCpus: 1, resources: { Custom: 1 } }, () => "custom");
      expect(await ray.get(custom.remote())).to.equal("custom");
      const infeasible = custom.options({ resources: { NonexistentCustomResource: 1 } }).remote();
      expect(await ray.get(custom.remote())).to.equal("custom");
      const [ready, remaining] = await ray.wait([infeasible], { timeout: 0.05 });
      expect(ready).to.have.length(0);
      expect(remaining).to.have.length(1);
      // A function returning fewer or more values than numReturns: get fails.
      await rejectionOf(ray.get(f.options({ numReturns: 2 }).remote(3)));
      await rejectionOf(ray.get(f.options({ numReturns: 3 }).remote(2)));

      class Actor {
        constructor(private x: number, private y = 0) {}
        method(a: string, b = 0): [number, number, string, number] {
          return [this.x, this.y, a, b];
        }
      }
      const actor = ray.remote({ resources: { Custom: 1 } }, Actor).remote(0, 1);
      const refs = actor.method.options({ numReturns: 4 }).remote("test", 2);
      expect(await ray.get(refs as ray.ObjectRef[])).to.deep.equal([0, 1, "test", 2]);
    });

    it("test_basic.py::test_submit_api (numReturns 0: .remote() returns no ref)", () => {
      const f = ray.remote(() => undefined);
      expect(f.options({ numReturns: 0 } as never).remote()).to.equal(undefined);
    });

    it("test_basic.py::test_background_tasks_with_max_calls", async () => {
      const f = ray.remote({ maxCalls: 1, maxRetries: 0 }, () => [sleepThen.remote(0.1, 0)]);
      const nested = await ray.get(Array.from({ length: 10 }, () => f.remote()));
      // The objects stay retrievable although the workers that submitted them were recycled.
      expect(await ray.get(nested.map((x) => x[0]), { timeout: 10 })).to.deep.equal(new Array(10).fill(0));
    });

    it("test_basic.py::test_max_call_tasks", async () => {
      await restartRay({ numCpus: 1 });
      const once = whichThread.options({ maxCalls: 1 });
      const first = await ray.get(once.remote());
      const second = await ray.get(once.remote());
      expect(second).not.to.equal(first);
      const twice = whichThread.options({ maxCalls: 2 });
      const [a, b, c] = [await ray.get(twice.remote()), await ray.get(twice.remote()), await ray.get(twice.remote())];
      expect(a).to.equal(b);
      expect(c).not.to.equal(a);
    });

    it("test_basic.py::test_many_fractional_resources", async () => {
      await restartRay({ numCpus: 2, resources: { Custom: 2 } });
      const f = ray.remote(async (block: boolean) => (block ? ray.get(two.remote()) : 2));
      const refs: ray.ObjectRef<number>[] = [];
      // Fractions with four decimals, as Ray's resource accounting rounds them.
      const fraction = () => Math.floor(Math.random() * 10_000) / 10_000;
      for (let i = 0; i < 100; i++) {
        refs.push(f.options({ numCpus: fraction() }).remote(false));
        refs.push(f.options({ numCpus: fraction(), resources: { Custom: fraction() } }).remote(true));
      }
      expect(await ray.get(refs, { timeout: 10 })).to.deep.equal(new Array(200).fill(2));
      // All of them given back: exactly the starting amounts again.
      const restored = () => ray.availableResources().CPU === 2 && ray.availableResources().Custom === 2;
      expect(await waitForCondition(restored), JSON.stringify(ray.availableResources())).to.equal(true);
    });

    it("test_basic.py::test_put_get", async () => {
      for (let i = 0; i < 100; i++) {
        for (const before of [i * 10 ** 6, i * 10 ** 6 * 1.5, "h".repeat(i), new Array(i).fill(1)]) {
          expect(await ray.get(ray.put(before))).to.deep.equal(before);
        }
      }
    });
  });

  describe("with 0 CPUs", function () {
    afterEach(() => ray.shutdown());

    it("test_basic.py::test_put_get (ray.init(num_cpus=0))", async () => {
      ray.init({ numCpus: 0, dashboard: false, logToDriver: false });
      expect(await ray.get(ray.put([1, 2]))).to.deep.equal([1, 2]);
    });
  });

  describe("with 1 CPU", function () {
    rayForSuite({ numCpus: 1 });

    it("test_basic.py::test_fair_queueing", async () => {
      // f -> g -> h, each blocked in get on the next: never finishes without lending the CPU.
      const f = ray.remote(async () => ray.get(g.remote()));
      const refs = Array.from({ length: 100 }, () => f.remote());
      const [ready] = await ray.wait(refs, { timeout: 10, numReturns: 100 });
      expect(ready).to.have.length(100);
    });
  });
});

/** Seconds until all the refs are ready. */
async function took(refs: ray.ObjectRef[]): Promise<number> {
  const start = time.time();
  await ray.get(refs);
  return time.time() - start;
}

/** Starts every worker first, as Ray's test waits for its workers: timings then see no start-up. */
async function warmUp(workers: number): Promise<void> {
  await ray.get(Array.from({ length: workers }, () => sleepThen.remote(0.1)));
}

describe("Ray's test_basic_2.py", function () {
  this.timeout(20_000);

  describe("with 2 CPUs", function () {
    rayForSuite();

    it("test_basic_2.py::test_get_multiple", async () => {
      const refs = Array.from({ length: 10 }, (_, i) => ray.put(i));
      expect(await ray.get(refs)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const indices = [3, 7, 7, 1, 0];
      const twice = [...indices, ...indices];
      expect(await ray.get(twice.map((i) => refs[i]))).to.deep.equal(twice);
    });

    it("test_basic_2.py::test_get_with_timeout", async () => {
      expect(await ray.get(sleepThen.remote(0, "early"), { timeout: 30 })).to.equal("early");
      const result = sleepThen.remote(0.5, "late");
      expect(await rejectionOf(ray.get(result, { timeout: 0.1 }))).to.be.instanceOf(ray.exceptions.GetTimeoutError);
      // A later get of the same ref returns once it is ready.
      expect(await ray.get(result, { timeout: 30 })).to.equal("late");
    });
  });

  describe("with 3 CPUs", function () {
    rayForSuite({ numCpus: 3 });

    it("test_basic_2.py::test_multiple_waits_and_gets", async () => {
      let x = sleepThen.remote(0.3, 1);
      expect(await ray.get([waitOnFirst.remote([x]), waitOnFirst.remote([x])])).to.deep.equal(["waited", "waited"]);
      x = sleepThen.remote(0.3, 1);
      expect(await ray.get([getFirst.remote([x]), getFirst.remote([x])])).to.deep.equal([1, 1]);
    });
  });

  describe("resource constraints", function () {
    afterEach(() => ray.shutdown());

    it("test_basic_2.py::test_resource_constraints (0-CPU tasks, each on a worker)", async () => {
      ray.init({ numCpus: 4, dashboard: false, logToDriver: false });
      // Eight 0-CPU tasks run at once, on eight workers (Ray's: twenty on 10 CPUs). Each
      // sleeps long enough to outlast the start of the other workers on a loaded machine:
      // then all eight are running at the same moment, each on its own thread.
      const pinned = ray.remote({ numCpus: 0 }, (s: number) => {
        const start = Date.now();
        time.sleep(s);
        return { thread: threadId, start, end: Date.now() };
      });
      const runs = await ray.get(Array.from({ length: 8 }, () => pinned.remote(3)), { timeout: 15 });
      expect(new Set(runs.map((run) => run.thread)).size).to.equal(8);
      const lastStart = Math.max(...runs.map((run) => run.start));
      const firstEnd = Math.min(...runs.map((run) => run.end));
      expect(lastStart, "the last one started before the first one ended").to.be.below(firstEnd);
    });

    it("test_basic_2.py::test_resource_constraints", async () => {
      ray.init({ numCpus: 4, dashboard: false, logToDriver: false });
      await warmUp(4);
      const buffer = 1;
      const f = sleepThen.options({ numCpus: 1 });
      // At most 4 of these run at once.
      expect(await took(Array.from({ length: 4 }, () => f.remote(0.3)))).to.be.within(0.3, 0.3 + buffer);
      expect(await took(Array.from({ length: 5 }, () => f.remote(0.3)))).to.be.within(0.6, 0.6 + buffer);
      const f3 = sleepThen.options({ numCpus: 3 });
      expect(await took([f3.remote(0.3)])).to.be.within(0.3, 0.3 + buffer);
      expect(await took([f3.remote(0.3), f3.remote(0.3)])).to.be.within(0.6, 0.6 + buffer);
    });

    it("test_basic_2.py::test_multi_resource_constraints", async () => {
      ray.init({ numCpus: 4, resources: { GPU: 4 }, dashboard: false, logToDriver: false });
      await warmUp(4);
      const f = sleepThen.options({ numCpus: 1, resources: { GPU: 3 } });
      const g2 = sleepThen.options({ numCpus: 3, resources: { GPU: 1 } });
      const buffer = 1;
      expect(await took([f.remote(0.3), g2.remote(0.3)])).to.be.within(0.3, 0.3 + buffer);
      expect(await took([f.remote(0.3), f.remote(0.3)])).to.be.within(0.6, 0.6 + buffer);
      expect(await took([g2.remote(0.3), g2.remote(0.3)])).to.be.within(0.6, 0.6 + buffer);
      expect(await took([f.remote(0.3), f.remote(0.3), g2.remote(0.3), g2.remote(0.3)])).to.be.within(0.6, 0.6 + buffer);
    });

    it("test_basic_2.py::test_zero_cpus", async () => {
      ray.init({ numCpus: 0, dashboard: false, logToDriver: false });
      const f = ray.remote({ numCpus: 0 }, () => 1);
      expect(await ray.get(f.remote(), { timeout: 10 })).to.equal(1);
      class Actor {
        method(): string {
          return "ok";
        }
      }
      const a = ray.remote({ numCpus: 0 }, Actor).remote();
      expect(await ray.get(a.method.remote(), { timeout: 10 })).to.equal("ok");
    });
  });
});
