// Options of init and of remote functions: logToDriver, maxCalls, .options(), custom
// resources; and remote functions a plain module uses without exporting them.
import { expect } from "chai";
import * as ray from "../runtime";
import { time } from "../preload/time";
import { stdoutDuring } from "./support/outcomes";

const sleepy = (s: number) => {
  time.sleep(s);
  return s;
};
const threadOf = () => (require("node:worker_threads") as typeof import("node:worker_threads")).threadId;
const chatty = (text: string) => {
  console.log(text);
  return text;
};
// Not exported: a task using it is refused at submission (a plain module's remote
// functions reach tasks only through its exports).
const hidden = ray.remote((x: number) => x * 3);


describe("runtime options", function () {
  afterEach(() => ray.shutdown());

  it("shows a task's console output in the driver, unless logToDriver is false", async () => {
    ray.init({ numCpus: 1 });
    const say = ray.remote(chatty);
    expect(await stdoutDuring(() => ray.get(say.remote("shown")))).to.match(/\(chatty pid=\d+, worker=\d+\) shown/);
    await ray.shutdown();
    ray.init({ numCpus: 1, logToDriver: false });
    expect(await stdoutDuring(() => ray.get(say.remote("hidden")))).to.not.contain("hidden");
  });

  it("recycles a worker after maxCalls calls", async () => {
    ray.init({ numCpus: 1 });
    const f = ray.remote({ maxCalls: 2 }, threadOf);
    const threads: number[] = [];
    for (let i = 0; i < 4; i++) threads.push(await ray.get(f.remote()));
    expect(threads[0]).to.equal(threads[1]);
    expect(threads[2]).to.equal(threads[3]);
    expect(threads[2]).to.not.equal(threads[1]);
  });

  it(".options() returns a copy with the options changed", async () => {
    ray.init({ numCpus: 1 });
    const f = ray.remote((n: number) => [n, n + 1] as [number, number]);
    const two = f.options({ numReturns: 2 });
    const named = f.options({ name: "renamed" });
    expect(f.options({})).to.not.equal(f);
    expect(await ray.get(f.remote(1))).to.deep.equal([1, 2]);
    const [a, b] = two.remote(5);
    expect(await ray.get([a, b])).to.deep.equal([5, 6]);
    expect(String(named)).to.equal("RemoteFunction(renamed)");
    expect(String(f)).to.not.contain("renamed");
  });

  it("runs a task needing a custom resource the node has, holding it while it runs", async () => {
    ray.init({ numCpus: 2, resources: { GPU: 1 } });
    expect(ray.clusterResources().GPU).to.equal(1);
    const onGpu = ray.remote({ resources: { GPU: 1 } }, sleepy);
    const start = performance.now();
    const refs = [onGpu.remote(0.3), onGpu.remote(0.3)];
    while (ray.availableResources().GPU !== undefined) await delay(10); // the workers are starting
    expect(ray.availableResources().GPU).to.equal(undefined);
    expect(ray.availableResources().CPU).to.equal(1);
    await ray.get(refs);
    // One GPU: the second waited for the first although a CPU was free.
    expect(performance.now() - start).to.be.greaterThan(580);
    expect(ray.availableResources().GPU).to.equal(1);
  });

  it("keeps a task needing a resource the node lacks pending (as Ray), others run", async () => {
    ray.init({ numCpus: 1 });
    const onTpu = ray.remote({ resources: { TPU: 1 } }, sleepy);
    const stuck = onTpu.remote(0);
    const f = ray.remote((x: number) => x + 1);
    expect(await ray.get(f.remote(1))).to.equal(2);
    const [ready] = await ray.wait([stuck], { timeout: 0.2 });
    expect(ready).to.deep.equal([]);
    ray.cancel(stuck);
    try {
      await ray.get(stuck);
      expect.fail("get resolved");
    } catch (error) {
      expect(error).to.be.instanceOf(ray.exceptions.TaskCancelledError);
    }
  });

  it("refuses at submission a task using a remote function its module does not export", () => {
    ray.init({ numCpus: 1 });
    const uses = ray.remote((x: number) => ray.get(hidden.remote(x)));
    expect(() => uses.remote(1)).to.throw(TypeError, /uses 'hidden', a remote function that its module .*runtime-options.test.js\) does not export.*export const hidden = ray.remote/s);
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
