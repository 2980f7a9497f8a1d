// Actors as a plain library (API.md section 2): ordering, state, parallelism, CPUs, refs and
// handles as arguments, kill vs terminate, constructor/method errors, a crashing actor, an
// actor ended once no handle of it is left (as Ray's out-of-scope actors).
import { expect } from "chai";
import * as ray from "../runtime";
import { time } from "../preload/time";
import { garbageCollector } from "./support/gc";
import { rejectionOf } from "./support/outcomes";

class Base {
  protected log: number[] = [];
  baseName(): string {
    return "base";
  }
}

class Counter extends Base {
  constructor(private count = 0) {
    super();
  }
  add(n: number): number {
    this.count += n;
    this.log.push(n);
    return this.count;
  }
  history(): number[] {
    return this.log;
  }
  async slowAdd(n: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return this.add(n);
  }
  pair(): [number, string] {
    return [this.count, "pair"];
  }
  fail(message: string): never {
    throw new RangeError(message);
  }
  sleep(s: number): number {
    time.sleep(s);
    return s;
  }
  async sleepAsync(s: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, s * 1000));
    return s;
  }
  crash(): void {
    process.exit(3);
  }
}

class Game {
  steps = 0;
  constructor(readonly size: number) {}
  step(n: number): number {
    this.steps += n;
    return this.steps;
  }
}

class Broken {
  constructor() {
    throw new TypeError("no constructor today");
  }
  ping(): string {
    return "pong";
  }
}

/** Calls the actor whose handle it is given (handles travel to tasks). */
const useHandle = ray.remote(async (counter: ray.ActorHandle<Counter>, n: number) => ray.get(counter.add.remote(n)));

describe("runtime: actors", function () {
  before(() => ray.init({ numCpus: 2 }));
  after(() => ray.shutdown());

  it("keeps state across calls, prints as Actor(<Name>, <32 hex>), offers inherited and async methods", async () => {
    const C = ray.remote(Counter);
    const c = C.remote(10);
    expect(String(c)).to.match(/^Actor\(Counter, [0-9a-f]{32}\)$/);
    expect(await ray.get(c.add.remote(1))).to.equal(11);
    expect(await ray.get(c.slowAdd.remote(2))).to.equal(13);
    expect(await ray.get(c.baseName.remote())).to.equal("base");
    const [count, label] = c.pair.options({ numReturns: 2 }).remote();
    expect(await ray.get([count, label])).to.deep.equal([13, "pair"]);
    ray.kill(c);
  });

  it("runs 1,000 queued calls one at a time in submission order", async () => {
    const c = ray.remote(Counter).remote();
    const refs = Array.from({ length: 1000 }, (_, i) => c.add.remote(i));
    const totals = await ray.get(refs);
    totals.forEach((total, i) => expect(total).to.equal((i * (i + 1)) / 2));
    expect(await ray.get(c.history.remote())).to.deep.equal(Array.from({ length: 1000 }, (_, i) => i));
    ray.kill(c);
  });

  it("finishes an async method before the next call starts", async () => {
    const c = ray.remote(Counter).remote();
    const slow = c.slowAdd.remote(5);
    const next = c.add.remote(1);
    expect(await ray.get([slow, next])).to.deep.equal([5, 6]);
    expect(await ray.get(c.history.remote())).to.deep.equal([5, 1]);
    ray.kill(c);
  });

  it("runs different actors in parallel, each holding the CPU it asked for (in availableResources and the timeline)", async () => {
    const C = ray.remote({ numCpus: 1 }, Counter);
    const a = C.remote();
    const b = C.remote();
    await ray.get([a.add.remote(0), b.add.remote(0)]);
    expect(ray.availableResources().CPU).to.equal(undefined);
    const start = Date.now();
    await ray.get([a.sleep.remote(0.5), b.sleep.remote(0.5)]);
    expect(Date.now() - start).to.be.lessThan(900);
    const events = ray.timeline().filter((e) => e.name === "Counter.sleep");
    expect(new Set(events.map((e) => e.tid)).size).to.equal(2);
    ray.kill(a);
    ray.kill(b);
    expect(ray.availableResources().CPU).to.equal(2);
  });

  it("makes an actor wait in the queue for its CPUs, as a task would", async () => {
    const Big = ray.remote({ numCpus: 2 }, Counter);
    const sleepy = ray.remote((s: number) => {
      time.sleep(s);
      return s;
    });
    const task = sleepy.remote(0.4);
    const start = Date.now();
    const big = Big.remote();
    expect(await ray.get(big.add.remote(1))).to.equal(1);
    expect(Date.now() - start).to.be.greaterThan(300);
    expect(await ray.get(task)).to.equal(0.4);
    ray.kill(big);
  });

  it("resolves ref arguments before the call (later calls wait with it)", async () => {
    const c = ray.remote(Counter).remote();
    const slow = ray.remote((n: number) => {
      time.sleep(0.2);
      return n;
    });
    const first = c.add.remote(slow.remote(7));
    const second = c.add.remote(1);
    expect(await ray.get([first, second])).to.deep.equal([7, 8]);
    ray.kill(c);
  });

  it("lets tasks and other actors call a handle they are given", async () => {
    const c = ray.remote(Counter).remote();
    expect(await ray.get(useHandle.remote(c, 4))).to.equal(4);
    const Caller = ray.remote(
      class Caller {
        async call(counter: ray.ActorHandle<Counter>, n: number): Promise<number> {
          return ray.get(counter.add.remote(n));
        }
      }
    );
    const caller = Caller.remote();
    expect(await ray.get(caller.call.remote(c, 3))).to.equal(7);
    ray.kill(caller);
    ray.kill(c);
  });

  it("extends a top-level class in an anonymous actor class", async () => {
    const RayGame = ray.remote(
      class extends Game {
        getSteps(): number {
          return this.steps;
        }
      }
    );
    const game = RayGame.remote(8);
    await ray.get(game.step.remote(3));
    expect(await ray.get(game.getSteps.remote())).to.equal(3);
    expect(String(game)).to.match(/^Actor\(Game, /);
    ray.kill(game);
  });

  it("ray.kill ends it now: pending and later calls fail with RayActorError", async () => {
    const c = ray.remote(Counter).remote();
    const running = c.sleep.remote(0.3);
    const queued = c.add.remote(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    ray.kill(c);
    for (const ref of [running, queued, c.add.remote(2)]) {
      const error = await rejectionOf(ray.get(ref));
      expect(error).to.be.instanceOf(ray.exceptions.RayActorError);
      expect(error.message).to.contain("ray.kill()");
    }
  });

  it("ray.kill of an actor still waiting for its CPUs takes its creation out of the queue", async () => {
    const sleepy = ray.remote((s: number) => {
      time.sleep(s);
      return s;
    });
    const task = sleepy.remote(0.3);
    const big = ray.remote({ numCpus: 2 }, Counter).remote();
    const call = big.add.remote(1);
    ray.kill(big);
    expect(await rejectionOf(ray.get(call))).to.be.instanceOf(ray.exceptions.RayActorError);
    expect(await ray.get(task)).to.equal(0.3);
    expect(ray.availableResources().CPU).to.equal(2);
  });

  it("__ray_terminate__ ends it after the calls already queued", async () => {
    const c = ray.remote(Counter).remote();
    const queued = [c.sleep.remote(0.1), c.add.remote(1), c.add.remote(2)];
    const done = c.__ray_terminate__.remote();
    const after = c.add.remote(3);
    expect(await ray.get(queued)).to.deep.equal([0.1, 1, 3]);
    expect(await ray.get(done)).to.equal(null);
    expect(await rejectionOf(ray.get(after))).to.be.instanceOf(ray.exceptions.RayActorError);
    expect(ray.availableResources().CPU).to.equal(2);
  });

  it("a constructor error kills the actor; every call fails with RayActorError carrying the cause", async () => {
    const b = ray.remote(Broken).remote();
    const error = (await rejectionOf(ray.get(b.ping.remote()))) as Error & { cause: Error & { cause: Error } };
    expect(error).to.be.instanceOf(ray.exceptions.RayActorError);
    expect(error.message).to.contain("no constructor today");
    expect(error.cause).to.be.instanceOf(ray.exceptions.RayTaskError);
    expect(error.cause.message).to.contain("ray::Broken.constructor()");
    expect(error.cause.cause.message).to.equal("no constructor today");
    expect(await rejectionOf(ray.get(b.ping.remote()))).to.be.instanceOf(ray.exceptions.RayActorError);
    expect(ray.availableResources().CPU).to.equal(2);
  });

  it("a method error fails that call only", async () => {
    const c = ray.remote(Counter).remote();
    const error = await rejectionOf(ray.get(c.fail.remote("bad input")));
    expect(error).to.be.instanceOf(ray.exceptions.RayTaskError);
    expect(error).to.be.instanceOf(RangeError);
    expect(error.message).to.contain("ray::Counter.fail()");
    expect(await ray.get(c.add.remote(1))).to.equal(1);
    ray.kill(c);
  });

  it("a failed call fails a get at once, without waiting for the slow calls after it", async () => {
    const c = ray.remote(Counter).remote();
    for (const method of ["sleep", "sleepAsync"] as const) {
      const failed = c.fail.remote("first");
      const slow = c[method].remote(1);
      const error = await rejectionOf(ray.get([failed, slow]));
      expect(error.message).to.contain("ray::Counter.fail()");
      const [, notReady] = await ray.wait([slow], { timeout: 0 });
      expect(notReady, "the slow call after the failed one still runs").to.deep.equal([slow]);
      await ray.get(slow);
    }
    ray.kill(c);
  });

  it("a crashed actor thread fails its pending calls with RayActorError", async () => {
    const c = ray.remote(Counter).remote();
    const crash = c.crash.remote();
    const pending = c.add.remote(1);
    for (const ref of [crash, pending] as ray.ObjectRef[]) {
      const error = (await rejectionOf(ray.get(ref))) as Error & { cause: Error };
      expect(error).to.be.instanceOf(ray.exceptions.RayActorError);
      expect(error.cause).to.be.instanceOf(ray.exceptions.WorkerCrashedError);
    }
    expect(ray.availableResources().CPU).to.equal(2);
  });
});

describe("runtime: actors no handle is left of", function () {
  this.timeout(20_000);
  before(() => ray.init({ numCpus: 2, dashboard: false }));
  after(() => ray.shutdown());
  const gc = garbageCollector();
  // Holds its CPU while alive (scheduling.rst): the CPU coming back shows it ended.
  const Holding = ray.remote({ numCpus: 1 }, Counter);
  // Ray leaves a resource none is free of out of availableResources.
  const freeCpus = () => ray.availableResources().CPU ?? 0;

  /** Collects garbage (finalizers run in between) until `cpus` are free or `ms` passed. */
  async function collectUntilFree(cpus: number, ms: number): Promise<number> {
    const end = Date.now() + ms;
    while (freeCpus() !== cpus && Date.now() < end) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return freeCpus();
  }

  it("ends an actor once its last handle is collected, after the calls made before it", async () => {
    let counter: ray.ActorHandle<Counter> | undefined = Holding.remote(0);
    expect(await ray.get(counter.add.remote(1))).to.equal(1);
    expect(freeCpus(), "it holds its CPU").to.equal(1);
    const slow = counter.sleep.remote(0.3);
    counter = undefined;
    expect(await collectUntilFree(2, 5000), "its CPU came back").to.equal(2);
    expect(await ray.get(slow), "the call made before still ran").to.equal(0.3);
  });

  it("keeps an actor alive while a handle of it escaped the driver's count (put, or sent to a task)", async () => {
    let counter: ray.ActorHandle<Counter> | undefined = Holding.remote(5);
    expect(await ray.get(counter.add.remote(0))).to.equal(5);
    const stored = ray.put([counter]);
    counter = undefined;
    expect(await collectUntilFree(2, 500), "still holding its CPU").to.equal(1);
    const [again] = await ray.get(stored);
    expect(await ray.get(again.add.remote(1))).to.equal(6);
    ray.kill(again);
  });
});
