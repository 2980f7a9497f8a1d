// A task that re-throws the error of a task it waited for (API.md section 4): it fails with
// the innermost error's class and name, the tasks it passed through named in the message,
// as Ray's RayTaskError(ZeroDivisionError) raised two tasks deep.
import { expect } from "chai";
import * as ray from "../runtime";

const { RayTaskError } = ray.exceptions;

export const divide = ray.remote(function divide(): number {
  throw new RangeError("division by zero");
});
export const callsDivide = ray.remote(async function callsDivide() {
  return ray.get(divide.remote());
});
export const callsCallsDivide = ray.remote(async function callsCallsDivide() {
  return ray.get(callsDivide.remote());
});
/** What a task sees of a nested task's error, before it re-throws it. */
export const inspectsNestedError = ray.remote(async function inspectsNestedError() {
  try {
    await ray.get(divide.remote());
    return "no error";
  } catch (error) {
    return { range: error instanceof RangeError, task: error instanceof ray.exceptions.RayTaskError, name: (error as Error).name };
  }
});

describe("a task error re-thrown by the tasks that waited for it", function () {
  this.timeout(20_000);
  before(() => ray.init({ numCpus: 2, dashboard: false, logToDriver: false }));
  after(() => ray.shutdown());

  it("keeps the innermost error's class and name, and names every task in the message", async () => {
    const error = await ray.get(callsCallsDivide.remote()).then(
      () => expect.fail("resolved"),
      (e: Error & { cause: unknown; task: string }) => e
    );
    expect(error).to.be.instanceOf(RangeError).and.instanceOf(RayTaskError);
    expect(error.name).to.equal("RayTaskError(RangeError)");
    expect(error.task).to.equal("ray::callsCallsDivide()");
    expect(error.message).to.match(/^ray::callsCallsDivide\(\) \(.*\n  re-threw the error of ray::callsDivide\(\) \(.*\n  re-threw the error of ray::divide\(\) \(.*\nRangeError: division by zero$/);
    expect(error.cause).to.be.instanceOf(RangeError).and.not.instanceOf(RayTaskError);
    expect((error.cause as Error).message).to.equal("division by zero");
  });

  it("gives a task the nested task's error as a RayTaskError of its class", async () => {
    expect(await ray.get(inspectsNestedError.remote())).to.deep.equal({ range: true, task: true, name: "RayTaskError(RangeError)" });
  });
});
