// Remote functions (and actor classes) are data (API.md sections 2 and 8), as in Ray: passed to a task as an
// argument (alone or inside a value), put, or returned by a task, they arrive as remote
// functions that can be called. A plain function is refused, saying where it was and what
// to send instead.
import { expect } from "chai";
import * as ray from "../runtime";

export const double = ray.remote(function double(x: number) {
  return 2 * x;
});
export const callsWith = ray.remote(async function callsWith(f: ray.RemoteFunction<[number], number>, x: number) {
  return ray.get(f.remote(x));
});
export const callsInside = ray.remote(async function callsInside(value: { fns: ray.RemoteFunction<[number], number>[] }) {
  return ray.get(value.fns.map((f, i) => f.remote(i + 1)));
});
export const returnsDouble = ray.remote(() => double);
export const returnsClosure = ray.remote(() => (x: number) => x);
class Counter {
  constructor(private n: number) {}
  inc(): number {
    return ++this.n;
  }
}
export const RemoteCounter = ray.remote(Counter);
/** Makes an actor of the actor class it is given. */
export const makesActorOf = ray.remote(async (cls: ray.ActorClass<typeof Counter>, n: number) => ray.get(cls.remote(n).inc.remote()));

describe("remote functions as data", function () {
  this.timeout(20_000);
  before(() => ray.init({ numCpus: 2, dashboard: false, logToDriver: false }));
  after(() => ray.shutdown());

  it("passes a remote function to a task, which calls it", async () => {
    expect(await ray.get(callsWith.remote(double, 21))).to.equal(42);
    expect(await ray.get(callsInside.remote({ fns: [double, double.options({ name: "twice" })] }))).to.deep.equal([2, 4]);
  });

  it("returns a remote function from a task, and puts one, callable where it arrives", async () => {
    const returned = await ray.get(returnsDouble.remote());
    expect(returned).to.be.instanceOf(ray.RemoteFunction);
    expect(await ray.get(returned.remote(5))).to.equal(10);
    const put = await ray.get(ray.put(double));
    expect(await ray.get(callsWith.remote(put, 4))).to.equal(8);
  });

  it("passes an actor class to a task, which makes an actor of it", async () => {
    expect(await ray.get(makesActorOf.remote(RemoteCounter, 5))).to.equal(6);
  });

  it("refuses a plain function, saying where it was and what to send instead", async () => {
    const instead = /which cannot be copied: tsray sends data, not closures; send a remote function \(ray\.remote\(fn\)\) in its place/;
    expect(() => callsWith.remote((() => 1) as never, 1))
      .to.throw(TypeError, /^callsWith\.remote\(\): argument 1 is a function, /)
      .with.property("message")
      .that.matches(instead);
    expect(() => ray.put({ onDone: () => 1 }))
      .to.throw(TypeError, /^ray\.put\(\): the value\.onDone is a function, /)
      .with.property("message")
      .that.matches(instead);
    const error = await ray.get(returnsClosure.remote()).then(() => expect.fail("resolved"), (e: Error) => e);
    expect(error).to.be.instanceOf(TypeError);
    expect(error.message).to.match(/\nTypeError: the task's result is a function, /).and.to.match(instead);
    expect(error.message).not.to.contain("to a worker");
  });
});
