// Through the real kernel, with cells' declarations: a remote function that calls itself,
// two that call each other, one passed to a task as an argument, and the printed error of a
// task with numReturns: 0 (API.md sections 2 and 3).
import { expect } from "chai";
import { ofType, sharedTestKernel } from "./support/kernel";
import type { Message } from "../kernel/protocol/wire";

function stderrOf(messages: Message[]): string {
  return ofType(messages, "stream")
    .filter((m) => m.content.name === "stderr")
    .map((m) => m.content.text)
    .join("");
}

describe("runtime in the kernel: remote functions using themselves, and as data", function () {
  this.timeout(60_000);
  const session = sharedTestKernel();

  const value = session.value;

  before(() => value("ray.init({ numCpus: 2 });"));

  it("runs a remote function that calls itself, declared in the same cell", async () => {
    const result = await value(
      "const fact = ray.remote(async (n: number): Promise<number> => (n <= 1 ? 1 : n * (await ray.get(fact.remote(n - 1)))));\n" +
        "await ray.get(fact.remote(5))"
    );
    expect(result).to.equal("120");
  });

  it("runs two remote functions that call each other", async () => {
    const result = await value(
      "const isEven = ray.remote(async (n: number): Promise<boolean> => (n === 0 ? true : ray.get(isOdd.remote(n - 1))));\n" +
        "const isOdd = ray.remote(async (n: number): Promise<boolean> => (n === 0 ? false : ray.get(isEven.remote(n - 1))));\n" +
        "await ray.get([isEven.remote(4), isOdd.remote(4), isEven.remote(3)])"
    );
    expect(result).to.equal("[ true, false, false ]");
  });

  it("passes a cell's remote function to a task, which calls it", async () => {
    const result = await value(
      "const twice = ray.remote((x: number) => 2 * x);\n" +
        "const callsWith = ray.remote(async (f: typeof twice, x: number) => ray.get(f.remote(x)));\n" +
        "await ray.get(callsWith.remote(twice, 21))"
    );
    expect(result).to.equal("42");
  });

  it("prints the error of a failing task with numReturns: 0 in the cell's output", async () => {
    // The second task needs both CPUs: it starts only once the first has finished (and printed).
    const { reply, messages } = await session.run(
      'ray.remote({ numReturns: 0, numCpus: 2 }, () => { throw new RangeError("lost otherwise"); }).remote();\n' +
        "await ray.get(ray.remote({ numCpus: 2 }, () => 1).remote())"
    );
    expect(reply.content.status).to.equal("ok");
    expect(stderrOf(messages)).to.contain("Unhandled error of ray::anonymous() (numReturns: 0").and.to.contain("RangeError: lost otherwise");
  });
});
