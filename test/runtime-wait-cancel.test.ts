// ray.wait and ray.cancel where Ray's rules are subtle: wait of nothing, wait's cost against
// get's over as many refs, cancel without force of a task that runs (and cannot be stopped
// in its thread), cancel of an actor call without force (never run if not started) and with.
import { expect } from "chai";
import * as ray from "../runtime";
import { time } from "../preload/time";
import { rejectionOf, stdoutDuring } from "./support/outcomes";

/** A task busy in a loop, never sleeping: nothing interrupts it. */
const spin = (seconds: number) => {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end);
  return "spun";
};
export const spinning = ray.remote({ maxRetries: 0 }, spin);
export const sleeping = ray.remote((s: number) => {
  time.sleep(s);
  return s;
});
/** Blocked in a nested get for as long as the task it waits for. */
export const waiting = ray.remote({ maxRetries: 0 }, async (s: number) => ray.get(sleeping.remote(s)));
/** Submits a task sleeping as long as itself, then sleeps. */
export const submitsThenSleeps = ray.remote({ maxRetries: 0 }, (s: number) => {
  sleeping.remote(s);
  time.sleep(s);
});
export const settlesNever = ray.remote({ maxRetries: 0 }, () => new Promise<never>(() => {}));
const MANY = 20_000;
export const many = ray.remote({ numReturns: MANY }, (n: number) => Array.from({ length: n }, (_, i) => i));
/** Asks from inside a task to cancel, with force, the ref nested in its argument. */
export const cancelInside = ray.remote((refs: ray.ObjectRef[]) => {
  ray.cancel(refs[0], { force: true });
  return "asked";
});
class Slow {
  calls: string[] = [];
  sleep(s: number): number {
    this.calls.push(`sleep(${s})`);
    time.sleep(s);
    return s;
  }
  ran(): string[] {
    return this.calls;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const freeCpus = () => ray.availableResources().CPU ?? 0;

/** Until the scheduler has sent the task's CPU to a worker (dispatch runs in a microtask). */
async function untilCpusFree(count: number): Promise<void> {
  while (freeCpus() !== count) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe("runtime: wait", function () {
  before(() => ray.init({ numCpus: 2, dashboard: false }));
  after(() => ray.shutdown());

  it("wait([]) is [[], []] whatever numReturns, as Ray's; a bad timeout is still refused", async () => {
    expect(await ray.wait([])).to.deep.equal([[], []]);
    expect(await ray.wait([], { numReturns: 3, timeout: 1 })).to.deep.equal([[], []]);
    expect((await rejectionOf(ray.wait([], { timeout: -1 }))).message).to.match(/nonnegative/);
  });

  it(`waits for ${MANY.toLocaleString("en-US")} refs settling at once in no more than 3 times a get of as many`, async () => {
    // One task with that many returns: its refs are pending while wait watches them, and
    // settle together (a wait that looked at every ref at each settling was quadratic).
    await ray.get(many.remote(MANY)); // warm: the workers' first task is slower
    const took = { get: [] as number[], wait: [] as number[] };
    for (let run = 0; run < 3; run++) {
      let start = performance.now();
      await ray.get(many.remote(MANY));
      took.get.push(performance.now() - start);
      start = performance.now();
      const [ready, notReady] = await ray.wait(many.remote(MANY), { numReturns: MANY });
      took.wait.push(performance.now() - start);
      expect([ready.length, notReady.length]).to.deep.equal([MANY, 0]);
    }
    expect(median(took.wait), JSON.stringify(took)).to.be.at.most(3 * median(took.get));
  });
});

describe("runtime: cancel", function () {
  before(() => ray.init({ numCpus: 2, dashboard: false }));
  after(() => ray.shutdown());

  it("without force, a running task's get rejects with TaskCancelledError at once; its CPU is held until it really ends", async () => {
    const ref = spinning.remote(1.5);
    await untilCpusFree(1);
    ray.cancel(ref);
    const error = await rejectionOf(ray.get(ref));
    expect(error).to.be.instanceOf(ray.exceptions.TaskCancelledError);
    expect(error.message).to.contain("ray::spin()");
    expect(freeCpus(), "the loop still runs on its worker").to.equal(1);
    ray.cancel(ref); // again: nothing more happens
    await untilCpusFree(2);
    expect(await ray.get(sleeping.remote(0))).to.equal(0);
    expect(await rejectionOf(ray.get(ref)), "its result was dropped").to.be.instanceOf(ray.exceptions.TaskCancelledError);
  });

  it("without force, a task sleeping in time.sleep is woken (as Ray's cancel interrupts it), giving its CPU back at once", async function () {
    this.timeout(20_000); // the sleep is of 60 s: only a woken task lets the CPUs free in time
    const ref = sleeping.remote(60);
    await untilCpusFree(1);
    ray.cancel(ref);
    expect(await rejectionOf(ray.get(ref))).to.be.instanceOf(ray.exceptions.TaskCancelledError);
    await untilCpusFree(2);
  });

  it("cancels, with a task, the tasks it submitted that are not done (Ray's recursive cancel)", async function () {
    this.timeout(20_000);
    const parent = submitsThenSleeps.remote(60);
    await untilCpusFree(0); // the parent and the child it submitted both sleep
    ray.cancel(parent);
    expect(await rejectionOf(ray.get(parent))).to.be.instanceOf(ray.exceptions.TaskCancelledError);
    await untilCpusFree(2);
  });

  it("without force, a task blocked in get, or one that never settles, fails its get; force then ends it", async () => {
    const blocked = waiting.remote(1);
    const never = settlesNever.remote();
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const ref of [blocked, never] as ray.ObjectRef[]) {
      ray.cancel(ref);
      expect(await rejectionOf(ray.get(ref))).to.be.instanceOf(ray.exceptions.TaskCancelledError);
    }
    ray.cancel(never, { force: true });
    await untilCpusFree(2);
    expect(await ray.get(sleeping.remote(0))).to.equal(0);
  });

  it("without force, an actor call not started never runs; a running one fails its get at once and runs on", async () => {
    const actor = ray.remote(Slow).remote();
    await ray.get(actor.ran.remote()); // its thread is up
    const running = actor.sleep.remote(0.5);
    // Sent to the actor's thread at once, behind the running one: taken back, never run.
    const queued = actor.sleep.remote(0.1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    ray.cancel(queued);
    expect(await rejectionOf(ray.get(queued))).to.be.instanceOf(ray.exceptions.TaskCancelledError);
    const started = Date.now();
    ray.cancel(running);
    const error = await rejectionOf(ray.get(running));
    expect(error).to.be.instanceOf(ray.exceptions.TaskCancelledError);
    expect(error.message).to.contain("Slow.sleep()");
    expect(Date.now() - started, "rejected before the running call ended").to.be.below(400);
    expect(await ray.get(actor.ran.remote())).to.deep.equal(["sleep(0.5)"]);
    ray.kill(actor);
  });

  it("with force, an actor call is refused (force is for tasks): ray.kill ends an actor", async () => {
    const actor = ray.remote(Slow).remote();
    const done = actor.sleep.remote(0);
    await ray.get(done);
    const running = actor.sleep.remote(0.5);
    for (const ref of [running, done]) {
      expect(() => ray.cancel(ref, { force: true })).to.throw(RangeError, /force: true is not supported for actor calls.*ray\.kill\(actor\)/);
    }
    expect(await ray.get(running)).to.equal(0.5);
    ray.kill(actor);
  });

  it("with force, an actor call cancelled inside a task: the refusal is printed in the task's output", async () => {
    const actor = ray.remote(Slow).remote();
    const call = actor.sleep.remote(0);
    const printed = await stdoutDuring(async () => expect(await ray.get(cancelInside.remote([call]))).to.equal("asked"));
    expect(printed).to.match(/\(anonymous pid=\d+, worker=\d+\) RangeError: ray\.cancel\(\): force: true is not supported for actor calls/);
    ray.kill(actor);
  });
});
