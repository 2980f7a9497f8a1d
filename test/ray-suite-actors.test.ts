// Ray's own actor cases (python/ray/tests/test_actor.py, the actor cases of test_basic.py,
// test_basic_2.py and test_actor_advanced.py, and doc/source/ray-core/actors/scheduling.rst)
// written against tsray: state, ordering, handles passed around, kill and terminate,
// errors in constructors and methods, resources. Each title names the Ray test or page.
import { expect } from "chai";
import { threadId } from "node:worker_threads";
import * as ray from "../runtime";
import { time } from "../preload/time";
import { garbageCollector } from "./support/gc";
import { rejectionOf, thrownBy } from "./support/outcomes";
import { isReady, rayForSuite, restartRay, waitForCondition } from "./support/ray-suite";

export const VAL1 = 1;
export const VAL2 = 2;

export class Counter {
  constructor(private value = 0) {}
  increase(delta = 1): number {
    this.value += delta;
    return this.value;
  }
  reset(): void {
    this.value = 0;
  }
  sleep(seconds: number): number {
    time.sleep(seconds);
    return seconds;
  }
  thread(): number {
    return threadId;
  }
}

export class Foo {
  constructor(readonly x: number) {}
}

export const plusVal1 = ray.remote((x: number) => VAL1 + x);
export const viaPlusVal1 = ray.remote(async (x: number) => ray.get(plusVal1.remote(x)));
export const smallValue = ray.remote(() => {
  time.sleep(0.001 * Math.floor(Math.random() * 10));
  return 0;
});
export const hundred = ray.remote({ numCpus: 1 }, () => {
  time.sleep(0.2);
  return 100;
});
export const increaseThrough = ray.remote(async (counter: ray.ActorHandle<Counter>) => ray.get(counter.increase.remote(1)));
export const increaseThroughList = ray.remote(async (counters: ray.ActorHandle<Counter>[]) => ray.get(counters[0].increase.remote(1)));
export const sleepThenIncrease = ray.remote(async (counter: ray.ActorHandle<Counter>, seconds: number) => {
  time.sleep(seconds);
  return ray.get(counter.increase.remote(1));
});
export const zeros = ray.remote((n: number) => new Uint8Array(n));
export const threadOfTask = ray.remote(() => threadId);

export class Delegating {
  constructor(private readonly delegate?: ray.ActorHandle<Delegating>) {}
  async f(x: number): Promise<number> {
    return this.delegate ? ray.get(this.delegate.f.remote(x)) : x * 2;
  }
}

export class UsesRemoteFunctions {
  readonly y = VAL2;
  readonly refs = [0, 1, 2, 3, 4].map((i) => plusVal1.remote(i));
  values2?: number[];
  constructor(readonly x: number) {}
  async init(): Promise<void> {
    this.values2 = await ray.get([0, 1, 2, 3, 4].map((i) => plusVal1.remote(i)));
  }
  getValues(): [number, number, ray.ObjectRef<number>[], number[] | undefined] {
    return [this.x, this.y, this.refs, this.values2];
  }
  f(): ray.ObjectRef<number>[] {
    return [0, 1, 2, 3, 4].map((i) => plusVal1.remote(i));
  }
  async g(): Promise<number[]> {
    return ray.get([0, 1, 2, 3, 4].map((i) => viaPlusVal1.remote(i)));
  }
  async h(refs: ray.ObjectRef<number>[]): Promise<number[]> {
    return ray.get(refs);
  }
}

/** A plain class an actor class extends (top-level: an actor's code may use only those). */
export class Base {
  constructor(protected x: number) {}
  f(): number {
    return this.x;
  }
  g(y: number): number {
    return this.x + y;
  }
}

export class Accumulates {
  private readonly seen: Uint8Array[] = [];
  add(x: Uint8Array): boolean {
    this.seen.push(x);
    return this.seen.every((prev) => prev.every((byte) => byte === 0));
  }
}

/** An actor class made at the top level, as Ray's test decorates its class. */
export const RemoteCounter = ray.remote(Counter);

export const makeActorInTask = ray.remote(async () => {
  const counter = RemoteCounter.remote(0);
  return [counter.increase.remote(1)];
});

describe("Ray's test_actor.py", function () {
  this.timeout(20_000);
  rayForSuite();

  it("test_actor.py::test_define_actor", async () => {
    class Test {
      constructor(private x: number) {}
      f(y: number): number {
        return this.x + y;
      }
    }
    const t = ray.remote(Test).remote(2);
    expect(await ray.get(t.f.remote(1))).to.equal(3);
    // Calling an actor method directly is an error.
    thrownBy(() => (t.f as unknown as (y: number) => number)(1));
  });

  it("test_actor.py::test_actor_init_error_propagated", async () => {
    class Actor {
      constructor(error = false) {
        if (error) throw new Error("oops");
      }
      foo(): string {
        return "OK";
      }
    }
    const A = ray.remote(Actor);
    expect(await ray.get(A.remote(false).foo.remote())).to.equal("OK");
    expect((await rejectionOf(ray.get(A.remote(true).foo.remote(), { timeout: 10 }))).message).to.match(/oops/);
  });

  it("test_actor.py::test_multiple_return_values", async () => {
    class Multiple {
      method0(): number {
        return 1;
      }
      method2(): [number, number] {
        return [1, 2];
      }
      method3(): [number, number, number] {
        return [1, 2, 3];
      }
    }
    const f = ray.remote(Multiple).remote();
    expect(await ray.get(f.method0.remote())).to.equal(1);
    expect(await ray.get(f.method0.options({ numReturns: 1 }).remote())).to.equal(1);
    const [a, b] = f.method2.options({ numReturns: 2 }).remote();
    expect(await ray.get([a, b])).to.deep.equal([1, 2]);
    const [c, d, e] = f.method3.options({ numReturns: 3 }).remote();
    expect(await ray.get([c, d, e])).to.deep.equal([1, 2, 3]);
  });

  it("test_actor.py::test_options_num_returns", async () => {
    class Pair {
      method(): [number, number] {
        return [1, 2];
      }
    }
    const f = ray.remote(Pair).remote();
    expect(await ray.get(f.method.remote())).to.deep.equal([1, 2]);
    const [obj1, obj2] = f.method.options({ numReturns: 2 }).remote();
    expect(await ray.get([obj1, obj2])).to.deep.equal([1, 2]);
  });

  it("test_actor.py::test_no_constructor", async () => {
    class NoConstructor {
      getValues(): void {}
    }
    expect(await ray.get(ray.remote(NoConstructor).remote().getValues.remote())).to.equal(undefined);
  });

  it("test_actor.py::test_variable_number_of_args", async () => {
    class Varargs {
      readonly args: number[];
      constructor(readonly arg0: number, readonly arg1 = 1, ...args: number[]) {
        this.args = args;
      }
      getValues(arg0: number, arg1 = 2, ...args: number[]): [number, number, number[]] {
        return [this.arg0 + arg0, this.arg1 + arg1, [...this.args, ...args]];
      }
    }
    const V = ray.remote(Varargs);
    expect(await ray.get(V.remote(0).getValues.remote(0))).to.deep.equal([0, 3, []]);
    expect(await ray.get(V.remote(1, 2, 3, 4).getValues.remote(2, 3, 5, 6))).to.deep.equal([3, 5, [3, 4, 5, 6]]);
  });

  it("test_actor.py::test_custom_classes", async () => {
    class Actor {
      private readonly f1 = new Foo(1);
      constructor(private readonly f2: Foo) {}
      getValues1(): [Foo, Foo] {
        return [this.f1, this.f2];
      }
      getValues2(f3: Foo): [Foo, Foo, Foo] {
        return [this.f1, this.f2, f3];
      }
    }
    const actor = ray.remote(Actor).remote(new Foo(2));
    const [r1, r2] = await ray.get(actor.getValues1.remote());
    expect([r1.x, r2.x]).to.deep.equal([1, 2]);
    const results2 = await ray.get(actor.getValues2.remote(new Foo(3)));
    expect(results2.map((foo) => foo.x)).to.deep.equal([1, 2, 3]);
  });

  it("test_actor.py::test_inherit_actor_from_class", async () => {
    class Actor extends Base {
      getValue(): number {
        return this.f();
      }
    }
    const actor = ray.remote(Actor).remote(1);
    expect(await ray.get(actor.getValue.remote())).to.equal(1);
    expect(await ray.get(actor.g.remote(5))).to.equal(6);
  });

  it("test_actor.py::test_multiple_actors", async () => {
    const numActors = 5;
    const numIncreases = 50;
    const actors = Array.from({ length: numActors }, (_, i) => ray.remote(Counter).remote(i));
    let results: ray.ObjectRef<number>[] = [];
    for (const actor of actors) for (let j = 0; j < numIncreases; j++) results.push(actor.increase.remote());
    let values = await ray.get(results, { timeout: 5 });
    for (let i = 0; i < numActors; i++) {
      expect(values.slice(numIncreases * i, numIncreases * (i + 1))).to.deep.equal(Array.from({ length: numIncreases }, (_, k) => i + 1 + k));
    }
    actors.forEach((actor) => actor.reset.remote());
    results = [];
    for (let j = 0; j < numIncreases; j++) for (const actor of actors) results.push(actor.increase.remote());
    values = await ray.get(results, { timeout: 10 });
    for (let j = 0; j < numIncreases; j++) expect(values.slice(numActors * j, numActors * (j + 1))).to.deep.equal(new Array(numActors).fill(j + 1));
  });

  it("test_actor.py::test_actor_deletion", async () => {
    const gc = garbageCollector();
    // An actor given a CPU holds it while alive (scheduling.rst): its CPU coming back shows it ended.
    const Holding = ray.remote({ numCpus: 1 }, Counter);
    let a: ray.ActorHandle<Counter> | undefined = Holding.remote(0);
    expect(await ray.get(a.increase.remote(1))).to.equal(1);
    expect(ray.availableResources().CPU).to.equal(1);
    a = undefined;
    const allFree = () => {
      gc();
      return ray.availableResources().CPU === 2;
    };
    expect(await waitForCondition(allFree), "the actor ends once its handle is gone").to.equal(true);
    let actors: ray.ActorHandle<Counter>[] | undefined = [Holding.remote(0), Holding.remote(1)];
    expect(await ray.get(actors.map((actor) => actor.increase.remote(1)))).to.deep.equal([1, 2]);
    actors = undefined;
    expect(await waitForCondition(allFree)).to.equal(true);
  });

  it("test_actor.py::test_actor_method_deletion", async () => {
    // The handle is dropped at once: the actor must not end before the call ran.
    expect(await ray.get(ray.remote(Counter).remote(0).increase.remote(1))).to.equal(1);
  });

  it("test_actor.py::test_distributed_actor_handle_deletion", async () => {
    let a: ray.ActorHandle<Counter> | undefined = ray.remote(Counter).remote(0);
    // Pass the handle to a task that cannot call it yet, then drop the original handle.
    const result = sleepThenIncrease.remote(a, 0.3);
    a = undefined;
    expect(await ray.get(result, { timeout: 10 })).to.equal(1);
  });

  it("test_actor.py::test_remote_function_within_actor", async () => {
    const actor = ray.remote(UsesRemoteFunctions).remote(1);
    await ray.get(actor.init.remote());
    const [x, y, refs, values2] = await ray.get(actor.getValues.remote());
    expect([x, y]).to.deep.equal([1, VAL2]);
    expect(await ray.get(refs)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(values2).to.deep.equal([1, 2, 3, 4, 5]);
    expect(await ray.get(await ray.get(actor.f.remote()))).to.deep.equal([1, 2, 3, 4, 5]);
    expect(await ray.get(actor.g.remote())).to.deep.equal([1, 2, 3, 4, 5]);
    expect(await ray.get(actor.h.remote([0, 1, 2, 3, 4].map((i) => plusVal1.remote(i))))).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it("test_actor.py::test_use_actor_within_remote_function (and test_actor_exit_from_task)", async () => {
    const [ref] = await ray.get(makeActorInTask.remote(), { timeout: 10 });
    expect(await ray.get(ref, { timeout: 10 })).to.equal(1);
  });

  it("test_actor.py::test_remote_functions_not_scheduled_on_actors", async () => {
    const a = ray.remote(Counter).remote(0);
    const actorThread = await ray.get(a.thread.remote());
    const taskThreads = await ray.get(Array.from({ length: 100 }, () => threadOfTask.remote()), { timeout: 10 });
    expect(taskThreads).not.to.include(actorThread);
  });
});

describe("Ray's actor cases in test_basic.py and test_basic_2.py", function () {
  this.timeout(20_000);
  rayForSuite();

  it("test_basic.py::test_actor_call_order", async () => {
    class Actor {
      private count = 0;
      inc(count: number, _dependency: number): number {
        if (count !== this.count) throw new Error(`call ${count} ran as call ${this.count}`);
        this.count += 1;
        return count;
      }
    }
    const a = ray.remote(Actor).remote();
    const refs = Array.from({ length: 100 }, (_, i) => a.inc.remote(i, smallValue.remote()));
    expect(await ray.get(refs, { timeout: 15 })).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
  });

  it("test_basic.py::test_release_cpus_when_actor_creation_task_blocking", async () => {
    class A {
      num = 0;
      async init(): Promise<void> {
        this.num = await ray.get(hundred.remote());
      }
      getNum(): number {
        return this.num;
      }
    }
    // JavaScript constructors cannot await: the blocking creation is the first call.
    const a = ray.remote({ numCpus: 1 }, A).remote();
    await ray.get(a.init.remote(), { timeout: 10 });
    expect(await ray.get(a.getNum.remote())).to.equal(100);
    expect(await waitForCondition(() => ray.availableResources().CPU === 1, 1)).to.equal(true);
  });

  it("test_basic_2.py::test_call_actors_indirect_through_tasks", async () => {
    const c = ray.remote(Counter).remote(0);
    for (let i = 0; i < 20; i++) {
      await ray.get(increaseThrough.remote(c));
      await ray.get(increaseThrough.remote(c));
      await ray.get(increaseThroughList.remote([c]));
    }
    expect(await ray.get(c.increase.remote(0))).to.equal(60);
  });

  it("test_basic_2.py::test_actor_recursive", async () => {
    // Three actors that hold a CPU each (API.md) and a spare one for the calls' tasks.
    await restartRay({ numCpus: 4 });
    const D = ray.remote(Delegating);
    const a = D.remote();
    const b = D.remote(a);
    const c = D.remote(b);
    const expected = Array.from({ length: 100 }, (_, x) => x * 2);
    expect(await ray.get(Array.from({ length: 100 }, (_, i) => c.f.remote(i)), { timeout: 15 })).to.deep.equal(expected);
    const [ready] = await ray.wait(
      Array.from({ length: 100 }, (_, i) => c.f.remote(i)),
      { numReturns: 100 }
    );
    expect(await ray.get(ready)).to.deep.equal(expected);
  });

  it("test_basic_2.py::test_inline_arg_memory_corruption", async () => {
    const a = ray.remote(Accumulates).remote();
    // Small arrays (inline) and large ones (shared memory): earlier ones stay intact.
    for (let i = 0; i < 60; i++) expect(await ray.get(a.add.remote(zeros.remote(i % 2 === 0 ? 1000 : 128 * 1024)))).to.equal(true);
  });

  it("test_basic_2.py::test_actor_large_objects", async () => {
    class Actor {
      f(): Float64Array {
        time.sleep(0.3);
        return new Float64Array(2_000_000);
      }
    }
    const ref = ray.remote(Actor).remote().f.remote();
    const [notYet] = await ray.wait([ref], { timeout: 0.1 });
    expect(notYet).to.have.length(0);
    await ray.wait([ref]);
    const value = await ray.get(ref);
    expect(value).to.be.instanceOf(Float64Array);
    expect(value.length).to.equal(2_000_000);
  });
});

describe("Ray's test_actor_advanced.py::test_kill, and __ray_terminate__", function () {
  this.timeout(20_000);
  rayForSuite();

  it("test_actor_advanced.py::test_kill", async () => {
    const actor = ray.remote(Counter).remote(0);
    const result = actor.sleep.remote(60);
    const [ready] = await ray.wait([result], { timeout: 0.5 });
    expect(ready).to.have.length(0);
    ray.kill(actor);
    expect(await rejectionOf(ray.get(result, { timeout: 10 }))).to.be.instanceOf(ray.exceptions.RayActorError);
    expect(thrownBy(() => ray.kill("not_an_actor_handle" as never))).to.be.instanceOf(TypeError);
  });

  it("test_failure.py::test_actor_scope_or_intentionally_killed_message (__ray_terminate__ after the queued calls)", async () => {
    const actor = ray.remote(Counter).remote(0);
    const queued = actor.sleep.remote(0.2);
    actor.__ray_terminate__.remote();
    expect(await ray.get(queued, { timeout: 10 })).to.equal(0.2);
    expect(await rejectionOf(ray.get(actor.increase.remote(1), { timeout: 10 }))).to.be.instanceOf(ray.exceptions.RayActorError);
  });
});

describe("Ray's actors/scheduling.rst", function () {
  this.timeout(20_000);
  rayForSuite({ numCpus: 1 });

  it("scheduling.rst: a default actor uses 1 CPU for scheduling and 0 CPU for running", async () => {
    const actors = Array.from({ length: 3 }, (_, i) => ray.remote(Counter).remote(i));
    expect(await ray.get(actors.map((a) => a.increase.remote(1)), { timeout: 5 })).to.deep.equal([1, 2, 3]);
    // Tasks still get the CPU.
    expect(await ray.get(threadOfTask.remote(), { timeout: 10 })).to.be.a("number");
  });

  it("scheduling.rst: an actor given num_cpus holds them for its lifetime", async () => {
    const holder = ray.remote({ numCpus: 1 }, Counter).remote(0);
    await ray.get(holder.increase.remote(1));
    const task = threadOfTask.remote();
    expect(await isReady(task)).to.equal(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await isReady(task)).to.equal(false);
    ray.kill(holder);
    expect(await ray.get(task, { timeout: 10 })).to.be.a("number");
  });
});
