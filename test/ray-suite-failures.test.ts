// Ray's own cases of failures, retries and cancellation (python/ray/tests/test_failure.py,
// test_failure_2.py and test_cancel.py) written against tsray. Ray's SignalActor (an actor
// whose wait() returns once send() is called) is a task sleeping a fraction of a second
// here: tsray's actors run one call at a time, so no call could send while another waits.
import { expect } from "chai";
import * as ray from "../runtime";
import { time } from "../preload/time";
import { rejectionOf, thrownBy } from "./support/outcomes";
import { isReady, rayForSuite, restartRay } from "./support/ray-suite";

const { RayActorError, RayError, RayTaskError, TaskCancelledError, WorkerCrashedError, GetTimeoutError } = ray.exceptions;

export const signal = ray.remote((seconds: number) => {
  time.sleep(seconds);
  return "sent";
});
export const waitFor = ray.remote(async (refs: ray.ObjectRef[]) => ray.get(refs[0]));
export const bar = ray.remote(() => {
  throw new RangeError("division by zero");
});
export const foo = ray.remote(async () => ray.get(bar.remote()));
export const identity = ray.remote((y: unknown) => y);
export const remoteWait = ray.remote((sg: ray.ObjectRef[]) => [waitFor.remote([sg[0]])]);
export const loopsForever = ray.remote({ numCpus: 1 }, () => {
  for (;;) time.sleep(0.1);
});
export const spawnsForever = ray.remote({ numCpus: 1 }, () => {
  console.log(String(loopsForever.remote()));
  for (;;) time.sleep(0.1);
});
export const maybeForever = ray.remote((y: boolean) => {
  while (y) time.sleep(0.1);
  return null;
});
export const manyResources = ray.remote({ numCpus: 4 }, () => 300);

/** Ray's CustomException(ValueError) with a field and a method; RangeError is JavaScript's ValueError. */
export class CustomError extends RangeError {
  readonly field = 1;
  f(): number {
    return 2;
  }
}

export class Counter {
  private value = 0;
  increment(): number {
    this.value += 1;
    return this.value;
  }
}

export const exitOnFirstCount = ray.remote({ maxRetries: 1 }, async (counter: ray.ActorHandle<Counter>) => {
  if ((await ray.get(counter.increment.remote())) === 1) process.exit(0);
  return 1;
});

export class Failing {
  badFunc1(): never {
    throw new Error("Test function intentionally failed.");
  }
  badFunc2(): never {
    process.exit(0);
  }
  slowFunc(seconds: number): string {
    time.sleep(seconds);
    return "slow";
  }
  sleep(seconds: number): number {
    time.sleep(seconds);
    return seconds;
  }
}

/** Task errors Ray's tests accept from a cancelled task and from the tasks waiting on it. */
function expectCancelled(error: Error, force: boolean): void {
  const accepted = force ? [RayTaskError, TaskCancelledError, WorkerCrashedError] : [RayTaskError, TaskCancelledError];
  expect(accepted.some((cls) => error instanceof cls), `${error.name}: ${error.message}`).to.equal(true);
}

describe("Ray's test_failure.py and test_failure_2.py", function () {
  this.timeout(20_000);
  rayForSuite();

  it("test_failure.py::test_failed_task", async () => {
    const fct2 = ray.remote(() => {
      throw new Error("Test function 2 intentionally failed.");
    });
    expect((await rejectionOf(ray.get(fct2.remote()))).message).to.contain("Test function 2 intentionally failed.");
    const fct3 = ray.remote({ numReturns: 3 }, (_x: number): [number, number, number] => {
      throw new Error("Test function 3 intentionally failed.");
    });
    for (const ref of fct3.remote(1.0)) expect((await rejectionOf(ray.get(ref))).message).to.contain("Test function 3 intentionally failed.");
  });

  it("test_failure.py::test_failed_task (a custom error class, its field and method)", async () => {
    const f = ray.remote(() => {
      throw new CustomError("This function failed.");
    });
    const e = await rejectionOf(ray.get(f.remote()));
    expect(e.message).to.contain("This function failed.");
    expect(e).to.be.instanceOf(RangeError);
    expect(e).to.be.instanceOf(CustomError);
    expect(e).to.be.instanceOf(RayTaskError);
    expect(e.name).to.contain("RayTaskError(CustomError)");
    expect((e as CustomError).field).to.equal(1);
    expect((e as CustomError).f()).to.equal(2);
  });

  it("test_failure.py::test_get_throws_quickly_when_found_exception (a failing call)", async () => {
    const actor = ray.remote(Failing).remote();
    // Submitted in Ray's order: the failing call first, the slow one queued behind it.
    const bad = actor.badFunc1.remote();
    const slow = actor.slowFunc.remote(1);
    const error = await rejectionOf(ray.get([bad, slow]));
    // Ray asserts the exact class (err.type is RayTaskError).
    expect(error).to.be.instanceOf(RayTaskError);
    expect(error).not.to.be.instanceOf(RayActorError);
    // It threw without waiting for the slow call.
    expect(await isReady(slow)).to.equal(false);
  });

  it("test_failure.py::test_get_throws_quickly_when_found_exception (a dying actor)", async () => {
    const actor = ray.remote(Failing).remote();
    const error = await rejectionOf(ray.get([actor.badFunc2.remote(), actor.slowFunc.remote(1)], { timeout: 10 }));
    expect(error).to.be.instanceOf(RayError);
    expect(error).to.be.instanceOf(RayActorError);
    expect(error).not.to.be.instanceOf(RayTaskError);
  });

  it("test_failure.py::test_failed_actor_init", async () => {
    class FailedActor {
      constructor() {
        throw new Error("actor constructor failed");
      }
      failMethod(): never {
        throw new Error("actor method failed");
      }
    }
    const a = ray.remote(FailedActor).remote();
    const error = await rejectionOf(ray.get(a.failMethod.remote(), { timeout: 10 }));
    expect(error).to.be.instanceOf(RayActorError);
    expect(error.message).to.contain("actor constructor failed");
  });

  it("test_failure.py::test_failed_actor_method", async () => {
    class FailedActor {
      failMethod(): never {
        throw new Error("actor method failed");
      }
      ping(): string {
        return "pong";
      }
    }
    const a = ray.remote(FailedActor).remote();
    const error = await rejectionOf(ray.get(a.failMethod.remote()));
    expect(error).to.be.instanceOf(RayTaskError);
    expect(error.message).to.contain("actor method failed");
    expect(await ray.get(a.ping.remote())).to.equal("pong");
  });

  it("test_failure.py::test_incorrect_method_calls", async () => {
    class Actor {
      constructor(readonly missingVariableName: number) {}
      getVal(x: number): number {
        return x;
      }
    }
    const A = ray.remote(Actor);
    const a = A.remote(1);
    // Ray refuses wrong argument counts at .remote(); TypeScript's checker refuses them
    // before the cell runs (JavaScript functions take any number of arguments).
    // @ts-expect-error too few arguments
    const tooFew = () => A.remote();
    // @ts-expect-error too many arguments
    const tooMany = () => a.getVal.remote(1, 2);
    expect([tooFew, tooMany]).to.have.length(2);
    expect(await ray.get(a.getVal.remote(3))).to.equal(3);
    // A method that does not exist.
    thrownBy(() => (a as unknown as { nonexistentMethod(): void }).nonexistentMethod());
    thrownBy(() => (a as unknown as { nonexistentMethod: ray.ActorMethod }).nonexistentMethod.remote());
  });

  it("test_failure.py::test_worker_dying", async () => {
    const f = ray.remote({ maxRetries: 0 }, () => process.exit(0));
    expect(await rejectionOf(ray.get(f.remote(), { timeout: 10 }))).to.be.instanceOf(WorkerCrashedError);
  });

  it("test_failure.py::test_actor_worker_dying", async () => {
    class Actor {
      kill(): never {
        process.exit(0);
      }
    }
    const consume = ray.remote((_x: unknown) => null);
    const a = ray.remote(Actor).remote();
    const [[obj]] = await ray.wait([a.kill.remote()], { timeout: 5 });
    expect(await rejectionOf(ray.get(obj))).to.be.instanceOf(RayActorError);
    // Ray's RayTaskError(RayActorError): the consuming task's error, of the argument's class too.
    const error = await rejectionOf(ray.get(consume.remote(obj)));
    expect(error).to.be.instanceOf(RayTaskError);
    expect(error).to.be.instanceOf(RayActorError);
    expect(error.message).to.match(/^ray::\w+\(\): an argument of it failed\nRayActorError/);
  });

  it("test_failure.py::test_actor_worker_dying_future_tasks", async () => {
    const a = ray.remote(Failing).remote();
    await ray.get(a.sleep.remote(0));
    const tasks1 = Array.from({ length: 10 }, () => a.sleep.remote(0.1));
    a.badFunc2.remote();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const tasks2 = Array.from({ length: 10 }, () => a.sleep.remote(0.1));
    // Ray's test kills the actor's process while calls are queued, so none of tasks1 may run;
    // here badFunc2 is queued after them: they run, and every call after it fails.
    expect(await ray.get(tasks1, { timeout: 10 })).to.deep.equal(new Array(10).fill(0.1));
    for (const obj of tasks2) expect(await rejectionOf(ray.get(obj, { timeout: 10 }))).to.be.instanceOf(RayActorError);
  });

  it("test_failure.py::test_actor_worker_dying_nothing_in_progress", async () => {
    const a = ray.remote(Failing).remote();
    await rejectionOf(ray.get(a.badFunc2.remote(), { timeout: 10 }));
    expect(await rejectionOf(ray.get(a.sleep.remote(0), { timeout: 10 }))).to.be.instanceOf(RayActorError);
  });

  it("test_failure.py::test_exception_chain", async () => {
    const error = await rejectionOf(ray.get(foo.remote()));
    expect(error).to.be.instanceOf(RangeError);
    expect(error).to.be.instanceOf(RayTaskError);
  });

  it("test_failure.py::test_baseexception_task (JavaScript: a thrown value that is not an Error)", async () => {
    const throwsString = ray.remote(() => {
      throw "abc";
    });
    const throwsObject = ray.remote(() => {
      throw { code: 42, reason: "abc" };
    });
    const fromString = await rejectionOf(ray.get(throwsString.remote()));
    expect(fromString).to.be.instanceOf(RayTaskError);
    expect(fromString.message).to.contain("abc");
    const fromObject = await rejectionOf(ray.get(throwsObject.remote()));
    expect(fromObject).to.be.instanceOf(RayTaskError);
    expect((fromObject as Error & { cause: unknown }).cause).to.deep.equal({ code: 42, reason: "abc" });
  });

  it("test_failure_2.py::test_retry_system_level_error", async () => {
    // Two actors and the task on 2 CPUs: enough in Ray, where an actor holds no CPU while it runs.
    expect(await ray.get(exitOnFirstCount.remote(ray.remote(Counter).remote()), { timeout: 5 })).to.equal(1);
    const once = exitOnFirstCount.options({ maxRetries: 0 });
    expect(await rejectionOf(ray.get(once.remote(ray.remote(Counter).remote()), { timeout: 5 }))).to.be.instanceOf(WorkerCrashedError);
  });

});

for (const force of [true, false]) {
  describe(`Ray's test_cancel.py (use_force=${force})`, function () {
    this.timeout(20_000);
    rayForSuite();
    const tag = `[use_force=${force}]`;

    it(`test_cancel.py::test_cancel_chain${tag}`, async () => {
      let obj1 = waitFor.remote([signal.remote(2)]);
      let obj2 = waitFor.remote([obj1]);
      let obj3 = waitFor.remote([obj2]);
      let obj4 = waitFor.remote([obj3]);
      // Ray waits 0.1 s; 0.5 s lets obj1 start here too (a loaded machine), so that the
      // cancellation meets a running task, as in Ray's test.
      expect((await ray.wait([obj1], { timeout: 0.5 }))[0]).to.have.length(0);
      ray.cancel(obj1, { force });
      for (const ob of [obj1, obj2, obj3, obj4]) expectCancelled(await rejectionOf(ray.get(ob, { timeout: 10 })), force);

      // Long enough to outlast the cancellation of obj3 (a forced one replaces a worker).
      obj1 = waitFor.remote([signal.remote(3)]);
      obj2 = waitFor.remote([obj1]);
      obj3 = waitFor.remote([obj2]);
      obj4 = waitFor.remote([obj3]);
      expect((await ray.wait([obj3], { timeout: 0.1 }))[0]).to.have.length(0);
      ray.cancel(obj3, { force });
      for (const ob of [obj3, obj4]) expectCancelled(await rejectionOf(ray.get(ob, { timeout: 10 })), force);
      expect(await rejectionOf(ray.get(obj1, { timeout: 0.1 }))).to.be.instanceOf(GetTimeoutError);
      expect(await rejectionOf(ray.get(obj2, { timeout: 0.1 }))).to.be.instanceOf(GetTimeoutError);
      expect(await ray.get(obj1, { timeout: 10 })).to.equal("sent");
    });

    it(`test_cancel.py::test_cancel_multiple_dependents${tag}`, async () => {
      const head = waitFor.remote([signal.remote(2)]);
      const deps = Array.from({ length: 3 }, () => waitFor.remote([head]));
      expect((await ray.wait([head], { timeout: 0.5 }))[0]).to.have.length(0);
      ray.cancel(head, { force });
      for (const d of deps) expectCancelled(await rejectionOf(ray.get(d, { timeout: 10 })), force);

      const head2 = waitFor.remote([signal.remote(0.5)]);
      const deps2 = Array.from({ length: 3 }, () => waitFor.remote([head]));
      for (const d of deps2) ray.cancel(d, { force });
      for (const d of deps2) expectCancelled(await rejectionOf(ray.get(d, { timeout: 10 })), force);
      expect(await ray.get(head2, { timeout: 10 })).to.equal("sent");
    });

    it(`test_cancel.py::test_single_cpu_cancel${tag}`, async () => {
      await restartRay({ numCpus: 1 });
      const obj1 = waitFor.remote([signal.remote(0.5)]);
      const obj2 = waitFor.remote([obj1]);
      const obj3 = waitFor.remote([obj2]);
      const indep = waitFor.remote([signal.remote(0.5)]);
      expect((await ray.wait([obj3], { timeout: 0.1 }))[0]).to.have.length(0);
      ray.cancel(obj3, { force });
      expectCancelled(await rejectionOf(ray.get(obj3, { timeout: 10 })), force);
      ray.cancel(obj1, { force });
      for (const d of [obj1, obj2]) expectCancelled(await rejectionOf(ray.get(d, { timeout: 10 })), force);
      expect(await ray.get(indep, { timeout: 10 })).to.equal("sent");
    });

    it(`test_cancel.py::test_comprehensive${tag}`, async () => {
      const waitThenResult = ray.remote(async (refs: ray.ObjectRef[]) => {
        await ray.get(refs[0]);
        return "Result";
      });
      const combine = ray.remote((a: string, b: string) => a + b);
      const a = waitThenResult.remote([signal.remote(0.5)]);
      const b = waitThenResult.remote([signal.remote(0.5)]);
      const combo = combine.remote(a, b);
      const a2 = waitThenResult.remote([a]);
      expect((await ray.wait([a, b, a2, combo], { timeout: 0.2 }))[0]).to.have.length(0);
      ray.cancel(a, { force });
      expectCancelled(await rejectionOf(ray.get(a, { timeout: 10 })), force);
      expectCancelled(await rejectionOf(ray.get(a2, { timeout: 10 })), force);
      expectCancelled(await rejectionOf(ray.get(combo, { timeout: 10 })), force);
    });

    // Ray runs it with use_force=True only (without, it is flaky there).
    if (force) it(`test_cancel.py::test_stress${tag}`, async () => {
      await restartRay({ numCpus: 1 });
      const first = maybeForever.remote(true);
      const sleepOrNo = Array.from({ length: 100 }, () => Math.random() < 0.5);
      const tasks = sleepOrNo.map((y) => maybeForever.remote(y));
      const cancelled = new Set<ray.ObjectRef>();
      for (const t of tasks) {
        if (Math.random() > 0.5) {
          ray.cancel(t, { force });
          cancelled.add(t);
        }
      }
      ray.cancel(first, { force });
      cancelled.add(first);
      for (const done of cancelled) expectCancelled(await rejectionOf(ray.get(done, { timeout: 10 })), force);
      tasks.forEach((t, i) => {
        if (sleepOrNo[i]) {
          ray.cancel(t, { force });
          cancelled.add(t);
        }
      });
      for (const t of tasks) {
        if (cancelled.has(t)) expectCancelled(await rejectionOf(ray.get(t, { timeout: 10 })), force);
        else expect(await ray.get(t, { timeout: 10 })).to.equal(null);
      }
    });

    it(`test_cancel.py::test_fast${tag}`, async () => {
      const fast = ray.remote((y: string) => y);
      const ids: ray.ObjectRef[] = [];
      for (let i = 0; i < 100; i++) {
        const x = fast.remote("a");
        await new Promise((resolve) => setTimeout(resolve, 10));
        ray.cancel(x, { force });
        ids.push(x);
      }
      const sig = signal.remote(0.3);
      for (let i = 0; i < 1000; i++) ids.push(identity.remote(sig));
      for (let i = 100; i < ids.length; i++) if (Math.random() > 0.95) ray.cancel(ids[i], { force });
      for (const ref of ids) {
        try {
          await ray.get(ref, { timeout: 20 });
        } catch (error) {
          expectCancelled(error as Error, force);
        }
      }
    });

    it(`test_cancel.py::test_remote_cancel${tag}`, async () => {
      const outer = remoteWait.remote([signal.remote(1.5)]);
      const [inner] = await ray.get(outer);
      expect(await rejectionOf(ray.get(inner, { timeout: 0.3 }))).to.be.instanceOf(GetTimeoutError);
      ray.cancel(inner, { force });
      expectCancelled(await rejectionOf(ray.get(inner, { timeout: 10 })), force);
    });

    it(`test_cancel.py::test_recursive_cancel${tag}`, async () => {
      await restartRay({ numCpus: 4 });
      const outerFut = spawnsForever.remote();
      const manyFut = manyResources.remote();
      expect(await rejectionOf(ray.get(manyFut, { timeout: 0.5 }))).to.be.instanceOf(GetTimeoutError);
      ray.cancel(outerFut, { force });
      expectCancelled(await rejectionOf(ray.get(outerFut, { timeout: 10 })), force);
      // Cancelling outer cancels the inner task it submitted (recursive=True), freeing its CPU.
      expect(await ray.get(manyFut, { timeout: 10 })).to.equal(300);
    });

    it(`test_cancel.py: cancelling an actor call (force=True refused for actor tasks)${tag}`, async () => {
      const actor = ray.remote(Failing).remote();
      const running = actor.sleep.remote(0.5);
      const queued = actor.sleep.remote(0.1);
      if (force) {
        expect(thrownBy(() => ray.cancel(queued, { force: true })).message).to.contain("force");
        return;
      }
      ray.cancel(queued);
      expect(await rejectionOf(ray.get(queued, { timeout: 10 }))).to.be.instanceOf(TaskCancelledError);
      expect(await ray.get(running, { timeout: 10 })).to.equal(0.5);
    });
  });
}
