// The runtime's backend contract: one suite of tests that every backend runs unchanged, in
// the spirit of Ray's store_client_test_base.h (a shared base of tests each store runs). A
// backend test file gives `describeBackendContract` how to start a session on its backend
// (the local one today, `ray.init({ numCpus })`; a cluster one, `ray.init({ address })`,
// next) and how to stop it. The tests use only the public API (docs/API.md sections 2 and
// 4): submission and get, put, dependencies, numReturns, get's timeout, wait, cancel,
// failures and retries, resources, nested tasks, actors. They show a schedule by the order
// in which tasks write to a log actor, not by timing, so that a slower backend passes too.
import { expect } from "chai";
import * as ray from "../../runtime";
import { time } from "../../preload/time";
import { rejectionOf } from "./outcomes";

const { RayError, RayTaskError, RayActorError, GetTimeoutError, TaskCancelledError, WorkerCrashedError } = ray.exceptions;

/**
 * What a backend may not do yet; each test that needs it is listed as pending for that
 * backend (with the reason in its title), never passed.
 *  - calls-from-tasks: a task calls an actor, or gets a ref, that lives elsewhere (another node)
 *  - force-cancel: `ray.cancel(ref, { force: true })` stops a running task
 */
export type BackendGap = "calls-from-tasks" | "force-cancel";

export interface BackendUnderTest {
  /** Named in the suite's title: `backend contract: <name>`. */
  name: string;
  /** The CPUs (at least 2) and custom resources (one `widget`) its sessions have in all. */
  capacity: { numCpus: number; resources: { widget: 1 } };
  /** Starts a ray session on the backend, with its capacity. */
  start(): void | Promise<void>;
  lacks?: Partial<Record<BackendGap, string>>;
  /** Ends the session and everything it started. */
  stop(): Promise<void>;
  /**
   * How many of the backend's workers (threads, processes) are alive now, if the backend
   * can tell: after `stop` it must come down to 0 (no test leaves workers behind).
   */
  liveWorkers?(): number | Promise<number>;
}

// Module level and exported: a plain Node program's remote functions and actor classes
// that tasks use reach the workers through the module's exports.

/** An actor that keeps what it is told in order: tasks write to it, tests read the order. */
export class Log {
  private entries: string[] = [];
  add(entry: string): number {
    this.entries.push(entry);
    return this.entries.length;
  }
  read(): string[] {
    return this.entries;
  }
}
export const LogActor = ray.remote(Log);

export class Counter {
  constructor(private total = 0) {}
  add(n: number): number {
    this.total += n;
    return this.total;
  }
  value(): number {
    return this.total;
  }
  sleep(seconds: number): number {
    time.sleep(seconds);
    return seconds;
  }
  fail(message: string): never {
    throw new RangeError(message);
  }
}
export const CounterActor = ray.remote(Counter);

/** A user's error class with a field and a method: it must come back as itself. */
export class QuotaError extends Error {
  constructor(readonly limit: number) {
    super(`over the quota of ${limit}`);
    this.name = "QuotaError";
  }
  describe(): string {
    return `limit ${this.limit}`;
  }
}

export const sleepThen = ray.remote(function sleepThen(seconds: number, value: string): string {
  time.sleep(seconds);
  return value;
});
export const plusOne = ray.remote(function plusOne(x: number): number {
  return x + 1;
});
export const typeOfArgument = ray.remote((x: unknown) => [typeof x, x instanceof ray.ObjectRef, x] as const);
export const unwrapNested = ray.remote(async (box: { inner: ray.ObjectRef<string> }) => [box.inner instanceof ray.ObjectRef, await ray.get(box.inner)] as const);
export const threeReturns = ray.remote({ numReturns: 3 }, (n: number) => [n, n * 2, `n=${n}`] as [number, number, string]);
export const logsWithoutReturn = ray.remote({ numReturns: 0 }, (log: ray.ActorHandle<Log>, entry: string) => {
  log.add.remote(entry);
  return "dropped";
});
/** Writes `<name> start` to the log, sleeps, writes `<name> end`: the log shows when it held its resources. */
export const logsAround = ray.remote(function logsAround(log: ray.ActorHandle<Log>, name: string, seconds: number): string {
  log.add.remote(`${name} start`);
  time.sleep(seconds);
  log.add.remote(`${name} end`);
  return name;
});
/** Busy in a loop, never sleeping: only a forced cancel can stop it early. */
export const spin = ray.remote({ maxRetries: 0 }, function spin(seconds: number): string {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end);
  return "spun to the end";
});
export const overQuota = ray.remote(function overQuota(limit: number): number {
  throw new QuotaError(limit);
});
/** Crashes its worker on the first attempt (the actor counts attempts), returns on a later one. */
export const crashesOnFirstAttempt = ray.remote({ maxRetries: 1 }, async function crashesOnFirstAttempt(attempts: ray.ActorHandle<Counter>): Promise<string> {
  if ((await ray.get(attempts.add.remote(1))) === 1) process.exit(1);
  return "survived";
});
export const inner = ray.remote(function inner(x: number): number {
  return x * 10;
});
export const outer = ray.remote(async function outer(x: number): Promise<number> {
  return (await ray.get(inner.remote(x))) + 1;
});
export const addThrough = ray.remote(async (counter: ray.ActorHandle<Counter>, n: number) => ray.get(counter.add.remote(n)));
export const resourcesInside = ray.remote(() => ({ cluster: ray.clusterResources(), available: ray.availableResources() }));

/** Polls `condition` every 20 ms for up to `seconds`; whether it came to hold. */
async function until(condition: () => boolean | Promise<boolean>, seconds = 5): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

const freeCpus = () => ray.availableResources().CPU ?? 0;

/** A log actor, placed (it needs a free CPU to be) before the test takes the CPUs. */
async function newLog(): Promise<ray.ActorHandle<Log>> {
  const log = LogActor.remote();
  expect(await ray.get(log.read.remote())).to.deep.equal([]);
  return log;
}

/** Until the log holds `entry`. */
const logged = (log: ray.ActorHandle<Log>, entry: string) => until(async () => (await ray.get(log.read.remote())).includes(entry));

export function describeBackendContract(backend: BackendUnderTest): void {
  describe(`backend contract: ${backend.name}`, function () {
    this.timeout(20_000);
    const NUM_CPUS = backend.capacity.numCpus;
    const RESOURCES = backend.capacity.resources;
    const idle = () => freeCpus() === NUM_CPUS && (ray.availableResources().widget ?? 0) === RESOURCES.widget;
    /** `it`, or pending for a backend that lacks what the test needs. */
    const itNeeding = (gap: BackendGap, title: string, test: () => Promise<void>) => {
      const reason = backend.lacks?.[gap];
      if (reason) it.skip(`${title} [not on ${backend.name} yet: ${reason}]`, test);
      else it(title, test);
    };

    async function start(): Promise<void> {
      await backend.start();
      // Both workers up before the tests (a worker's first start may be slow): the
      // schedules below are then shown by order alone.
      expect(await ray.get([sleepThen.remote(0.05, "a"), sleepThen.remote(0.05, "b")])).to.deep.equal(["a", "b"]);
    }

    before(start);
    // A test that failed or left resources held gets a fresh session after it, so that no
    // test inherits another's leftovers.
    afterEach(async function () {
      if (this.currentTest?.state === "passed" && (await until(idle, 2))) return;
      await backend.stop();
      await start();
    });
    after(async () => {
      await backend.stop();
      expect(ray.isInitialized(), "initialized after stop").to.equal(false);
      if (backend.liveWorkers) expect(await until(async () => (await backend.liveWorkers!()) === 0, 5), "workers left after stop").to.equal(true);
    });

    describe("submission, get and put", () => {
      it("gets a task's value, and a list of refs' values in input order (not completion order)", async () => {
        expect(await ray.get(plusOne.remote(41))).to.equal(42);
        const refs = [sleepThen.remote(0.2, "first"), sleepThen.remote(0, "second"), plusOne.remote(2)];
        expect(await ray.get(refs)).to.deep.equal(["first", "second", 3]);
        expect(await ray.get([])).to.deep.equal([]);
      });

      it("put: get gives the value back; a put ref as an argument reaches the task as its value", async () => {
        const value = { name: "box", items: [1, 2, 3], nested: { ok: true } };
        const ref = ray.put(value);
        expect(ref).to.be.instanceOf(ray.ObjectRef);
        expect(await ray.get(ref)).to.deep.equal(value);
        expect(await ray.get(plusOne.remote(ray.put(9)))).to.equal(10);
        expect(await ray.get(typeOfArgument.remote(ray.put("text")))).to.deep.equal(["string", false, "text"]);
      });
    });

    describe("dependencies", () => {
      it("resolves a ref argument before the task runs: the task receives its value, not the ref", async () => {
        const slow = sleepThen.remote(0.2, "made slowly");
        expect(await ray.get(typeOfArgument.remote(slow))).to.deep.equal(["string", false, "made slowly"]);
      });

      it("runs a chain of tasks, each on the previous one's result", async () => {
        let ref = plusOne.remote(0);
        for (let i = 0; i < 9; i++) ref = plusOne.remote(ref);
        expect(await ray.get(ref)).to.equal(10);
      });

      it("passes a ref nested in an object as it is: the task gets a ref it can get", async () => {
        const made = sleepThen.remote(0.1, "inside");
        expect(await ray.get(unwrapNested.remote({ inner: made }))).to.deep.equal([true, "inside"]);
      });
    });

    describe("numReturns", () => {
      it("numReturns: 3 gives three refs, each its own value", async () => {
        const refs = threeReturns.remote(7);
        expect(refs).to.have.length(3);
        expect(new Set(refs.map(String)).size).to.equal(3);
        expect(await ray.get(refs[2])).to.equal("n=7");
        expect(await ray.get(refs[0])).to.equal(7);
        expect(await ray.get(refs)).to.deep.equal([7, 14, "n=7"]);
      });

      itNeeding("calls-from-tasks", "numReturns: 0 gives no ref, and the task still runs for its effects", async () => {
        const log = await newLog();
        const returned: undefined = logsWithoutReturn.remote(log, "ran without a ref");
        expect(returned).to.equal(undefined);
        expect(await logged(log, "ran without a ref")).to.equal(true);
        ray.kill(log);
      });
    });

    describe("get's timeout", () => {
      it("rejects with GetTimeoutError when not ready in time; the object is still there to get later", async () => {
        const slow = sleepThen.remote(0.3, "late");
        const error = await rejectionOf(ray.get(slow, { timeout: 0.05 }));
        expect(error).to.be.instanceOf(GetTimeoutError);
        expect(error).to.be.instanceOf(RayError);
        expect(error.message).to.equal("Get timed out: some object(s) not ready.");
        expect(await rejectionOf(ray.get([ray.put(1), sleepThen.remote(0.3, "later")], { timeout: 0.05 }))).to.be.instanceOf(GetTimeoutError);
        expect(await ray.get(slow, { timeout: 10 })).to.equal("late");
      });
    });

    describe("wait", () => {
      it("gives at most numReturns ready refs, both lists in input order", async () => {
        const refs = [sleepThen.remote(0.8, "slow"), sleepThen.remote(0.15, "quick"), ray.put("at once")];
        // Ready first: the put, then the quick task; listed in input order all the same.
        const [ready, notReady] = await ray.wait(refs, { numReturns: 2 });
        expect(ready).to.deep.equal([refs[1], refs[2]]);
        expect(notReady).to.deep.equal([refs[0]]);
        const [first, rest] = await ray.wait(refs);
        expect(first).to.have.length(1);
        expect(refs.slice(1)).to.deep.include(first[0]);
        expect(rest).to.have.length(2);
        const [all, none] = await ray.wait(refs, { numReturns: 3 });
        expect(all).to.deep.equal(refs);
        expect(none).to.deep.equal([]);
      });

      it("with a timeout, gives what is ready then (maybe nothing); a failed task counts as ready", async () => {
        const slow = sleepThen.remote(0.3, "slow");
        expect(await ray.wait([slow], { timeout: 0.05 })).to.deep.equal([[], [slow]]);
        const put = ray.put("at once");
        expect(await ray.wait([slow, put], { numReturns: 2, timeout: 0.05 })).to.deep.equal([[put], [slow]]);
        const failed = overQuota.remote(1);
        expect(await ray.wait([failed], { timeout: 10 })).to.deep.equal([[failed], []]);
        await ray.get(slow);
      });

      it("wait([]) is [[], []] whatever numReturns", async () => {
        expect(await ray.wait([])).to.deep.equal([[], []]);
        expect(await ray.wait([], { numReturns: 3, timeout: 1 })).to.deep.equal([[], []]);
      });
    });

    describe("cancel", () => {
      itNeeding("calls-from-tasks", "a queued task never runs: its get rejects with TaskCancelledError, the tasks after it run", async () => {
        const log = await newLog();
        // Every CPU taken: the next two tasks queue.
        const names = Array.from({ length: NUM_CPUS }, (_, i) => `b${i + 1}`);
        const blockers = names.map((name) => sleepThen.remote(0.3, name));
        const queued = logsAround.remote(log, "cancelled", 0);
        const later = logsAround.remote(log, "later", 0);
        ray.cancel(queued);
        const error = await rejectionOf(ray.get(queued));
        expect(error).to.be.instanceOf(TaskCancelledError);
        expect(error).to.be.instanceOf(RayError);
        expect(await ray.get([...blockers, later])).to.deep.equal([...names, "later"]);
        // The queue is in order: once the task after it ran, the cancelled one had its turn.
        expect(await ray.get(log.read.remote())).to.deep.equal(["later start", "later end"]);
        ray.kill(log);
      });

      itNeeding("force-cancel", "force stops a running task: TaskCancelledError, its CPU comes back, a later task runs", async () => {
        const running = spin.remote(30);
        expect(await until(() => freeCpus() === NUM_CPUS - 1), "the task started").to.equal(true);
        ray.cancel(running, { force: true });
        expect(await rejectionOf(ray.get(running, { timeout: 10 }))).to.be.instanceOf(TaskCancelledError);
        expect(await until(() => freeCpus() === NUM_CPUS), "its CPU came back (the loop was stopped)").to.equal(true);
        expect(await ray.get([plusOne.remote(1), plusOne.remote(2)])).to.deep.equal([2, 3]);
      });
    });

    describe("failures", () => {
      it("a thrown error arrives as a RayTaskError naming the task, also an instance of the thrown class", async () => {
        const error = (await rejectionOf(ray.get(overQuota.remote(3)))) as Error & { cause?: unknown };
        expect(error).to.be.instanceOf(RayTaskError);
        expect(error).to.be.instanceOf(RayError);
        expect(error).to.be.instanceOf(QuotaError);
        expect(error.message).to.contain("ray::overQuota()");
        expect(error.message).to.contain("over the quota of 3");
        const quota = error as unknown as QuotaError;
        expect(quota.limit).to.equal(3);
        expect(quota.describe()).to.equal("limit 3");
        expect(error.cause).to.be.instanceOf(QuotaError);
        expect((error.cause as QuotaError).message).to.equal("over the quota of 3");
      });

      it("a failed dependency fails the task that depends on it, with the same error", async () => {
        const error = await rejectionOf(ray.get(plusOne.remote(overQuota.remote(5))));
        expect(error).to.be.instanceOf(RayTaskError);
        expect(error).to.be.instanceOf(QuotaError);
        expect(error.message).to.contain("ray::overQuota()");
        expect((error as unknown as QuotaError).limit).to.equal(5);
        // A chain fails all along, and the backend goes on.
        expect(await rejectionOf(ray.get(plusOne.remote(plusOne.remote(overQuota.remote(6)))))).to.be.instanceOf(QuotaError);
        expect(await ray.get(plusOne.remote(0))).to.equal(1);
      });

      itNeeding("calls-from-tasks", "maxRetries: a task whose worker crashes (process.exit) is retried; with maxRetries: 0 it fails with WorkerCrashedError", async () => {
        const attempts = CounterActor.remote();
        expect(await ray.get(crashesOnFirstAttempt.remote(attempts), { timeout: 10 })).to.equal("survived");
        expect(await ray.get(attempts.value.remote()), "attempts").to.equal(2);
        const once = CounterActor.remote();
        const error = await rejectionOf(ray.get(crashesOnFirstAttempt.options({ maxRetries: 0 }).remote(once), { timeout: 10 }));
        expect(error).to.be.instanceOf(WorkerCrashedError);
        expect(error).to.be.instanceOf(RayError);
        expect(await ray.get(once.value.remote()), "attempts").to.equal(1);
        expect(await ray.get([plusOne.remote(1), plusOne.remote(2)]), "the crashed workers were replaced").to.deep.equal([2, 3]);
        ray.kill(attempts);
        ray.kill(once);
      });
    });

    describe("resources", () => {
      it("clusterResources, availableResources and nodes report the session's resources", async () => {
        expect(ray.clusterResources()).to.include({ CPU: NUM_CPUS, widget: 1 });
        expect(ray.availableResources()).to.include({ CPU: NUM_CPUS, widget: 1 });
        const nodes = ray.nodes();
        expect(nodes.length).to.be.at.least(1);
        for (const node of nodes) expect(node.Alive).to.equal(true);
        const total = (name: string) => nodes.reduce((sum, node) => sum + (node.Resources[name] ?? 0), 0);
        expect([total("CPU"), total("widget")], "CPUs and widgets over the nodes").to.deep.equal([NUM_CPUS, 1]);
        const running = sleepThen.remote(0.3, "held");
        expect(await until(() => freeCpus() === NUM_CPUS - 1), "one CPU taken while a task runs").to.equal(true);
        expect(await ray.get(running)).to.equal("held");
        expect(await until(idle), "all free again").to.equal(true);
      });

      it("inside a task, clusterResources and availableResources are the same as the driver's", async () => {
        // On a cluster, a node's tasks see the registry as of its last heartbeat (at most half
        // a second old, as Ray's resource view inside tasks lags too; the other nodes' free CPUs
        // are those of their last heartbeat): asked again until then.
        let inside = await ray.get(resourcesInside.remote());
        const same = () =>
          JSON.stringify(Object.entries(inside.cluster).sort()) === JSON.stringify(Object.entries(ray.clusterResources()).sort()) && inside.available.CPU === NUM_CPUS - 1;
        expect(await until(async () => same() || ((inside = await ray.get(resourcesInside.remote())), same())), JSON.stringify(inside)).to.equal(true);
        expect(inside.cluster).to.deep.equal(ray.clusterResources());
        expect(inside.available.CPU, "the task holds one CPU while it asks").to.equal(NUM_CPUS - 1);
      });

      itNeeding("calls-from-tasks", "a 2-CPU task does not start while only 1 CPU is free", async () => {
        // Every CPU but one taken by a 1-CPU task (with more nodes, one node keeps 1 free).
        const log = await newLog();
        const ones = Array.from({ length: NUM_CPUS - 1 }, (_, i) => logsAround.remote(log, `1-cpu ${i}`, 0.3));
        for (let i = 0; i < ones.length; i++) expect(await logged(log, `1-cpu ${i} start`)).to.equal(true);
        const two = logsAround.options({ numCpus: 2 }).remote(log, "2-cpu", 0);
        expect(await ray.get([...ones, two])).to.deep.equal([...ones.map((_, i) => `1-cpu ${i}`), "2-cpu"]);
        const entries = await ray.get(log.read.remote());
        const firstEnd = entries.findIndex((entry) => entry.endsWith(" end"));
        expect(entries.indexOf("2-cpu start"), `started only once a 1-CPU task had ended: ${entries.join(", ")}`).to.be.greaterThan(firstEnd);
        ray.kill(log);
      });

      itNeeding("calls-from-tasks", "custom resources: two tasks each needing the one widget run one after the other, though CPUs are free", async () => {
        const log = await newLog();
        const withWidget = logsAround.options({ resources: { widget: 1 } });
        const refs = [withWidget.remote(log, "w1", 0.3), withWidget.remote(log, "w2", 0)];
        expect(await logged(log, "w1 start")).to.equal(true);
        expect(ray.availableResources().widget ?? 0, "the widget is taken").to.equal(0);
        expect(await ray.get(refs)).to.deep.equal(["w1", "w2"]);
        expect(await ray.get(log.read.remote())).to.deep.equal(["w1 start", "w1 end", "w2 start", "w2 end"]);
        ray.kill(log);
      });

      it("records the tasks run in ray.timeline()", async () => {
        await ray.get(sleepThen.remote(0.1, "traced"));
        const events = ray.timeline().filter((event) => event.name === "sleepThen");
        expect(events.length).to.be.at.least(1);
        expect(events[events.length - 1].dur).to.be.at.least(90_000); // microseconds
      });
    });

    describe("nested tasks", () => {
      it("a task submits a task and gets its value (more of them than CPUs at once)", async () => {
        expect(await ray.get(outer.remote(1))).to.equal(11);
        expect(await ray.get([1, 2, 3, 4].map((x) => outer.remote(x)), { timeout: 10 })).to.deep.equal([11, 21, 31, 41]);
      });
    });

    describe("actors", () => {
      it("keeps its state across calls", async () => {
        const counter = CounterActor.remote(10);
        expect(await ray.get(counter.add.remote(1))).to.equal(11);
        expect(await ray.get(counter.add.remote(5))).to.equal(16);
        expect(await ray.get(counter.value.remote())).to.equal(16);
        const other = CounterActor.remote();
        expect(await ray.get(other.value.remote()), "another actor has its own").to.equal(0);
        ray.kill(counter);
        ray.kill(other);
      });

      it("runs calls one at a time in submission order, a slow first call included", async () => {
        const counter = CounterActor.remote();
        const slow = counter.sleep.remote(0.2);
        const refs = Array.from({ length: 50 }, (_, i) => counter.add.remote(i + 1));
        expect(await ray.get(slow)).to.equal(0.2);
        const totals = await ray.get(refs);
        expect(totals).to.deep.equal(Array.from({ length: 50 }, (_, i) => ((i + 1) * (i + 2)) / 2));
        ray.kill(counter);
      });

      it("a method error fails that call only: RayTaskError, instance of its class; the actor goes on with its state", async () => {
        const counter = CounterActor.remote(1);
        const error = await rejectionOf(ray.get(counter.fail.remote("bad input")));
        expect(error).to.be.instanceOf(RayTaskError);
        expect(error).to.be.instanceOf(RangeError);
        expect(error.message).to.contain("Counter.fail()");
        expect(error.message).to.contain("bad input");
        expect(await ray.get(counter.add.remote(1))).to.equal(2);
        ray.kill(counter);
      });

      it("ray.kill ends it: a running call and later calls fail with RayActorError", async () => {
        const counter = CounterActor.remote();
        expect(await ray.get(counter.add.remote(1))).to.equal(1);
        const running = counter.sleep.remote(0.3);
        await new Promise((resolve) => setTimeout(resolve, 100));
        ray.kill(counter);
        for (const ref of [running, counter.add.remote(1)] as ray.ObjectRef[]) {
          const error = await rejectionOf(ray.get(ref, { timeout: 10 }));
          expect(error).to.be.instanceOf(RayActorError);
          expect(error).to.be.instanceOf(RayError);
        }
      });

      itNeeding("calls-from-tasks", "a handle passed to a task reaches the same actor", async () => {
        const counter = CounterActor.remote();
        expect(await ray.get(counter.add.remote(1))).to.equal(1);
        expect(await ray.get(addThrough.remote(counter, 2))).to.equal(3);
        expect(await ray.get(addThrough.remote(counter, 3))).to.equal(6);
        expect(await ray.get(counter.value.remote())).to.equal(6);
        ray.kill(counter);
      });
    });
  });
}
