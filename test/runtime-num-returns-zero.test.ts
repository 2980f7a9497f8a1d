// numReturns: 0 (API.md section 2), as Ray's num_returns=0: the task runs for its effects,
// `.remote()` returns nothing, and an error it throws, which no ref can carry, is printed
// in the driver's output instead of being lost.
import { expect } from "chai";
import * as ray from "../runtime";
import { waitForCondition } from "./support/ray-suite";

/** In shared memory (codec.ts sends it as it is): what the task writes, the driver sees. */
const cells = () => new Int32Array(new SharedArrayBuffer(64 * 1024));

export const marks = ray.remote({ numReturns: 0 }, function marks(shared: Int32Array, value: number) {
  shared[0] = value;
  return "dropped";
});
export const fails = ray.remote({ numReturns: 0 }, function fails(): void {
  throw new RangeError("boom in a task without refs");
});

/** What the driver writes to stderr while `run` goes on (until `until` holds). */
async function stderrWhile(run: () => void, until: (text: string) => boolean): Promise<string> {
  let text = "";
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((text += String(chunk)), true)) as typeof write;
  try {
    run();
    await waitForCondition(() => until(text), 10);
  } finally {
    process.stderr.write = write;
  }
  return text;
}

describe("numReturns: 0", function () {
  this.timeout(20_000);
  before(() => ray.init({ numCpus: 2, dashboard: false, logToDriver: false }));
  after(() => ray.shutdown());

  it("runs the task for its effects and returns nothing from .remote()", async () => {
    const shared = cells();
    const returned: undefined = marks.remote(shared, 7);
    expect(returned).to.equal(undefined);
    expect(await waitForCondition(() => shared[0] === 7, 10)).to.equal(true);
    const viaOptions: undefined = ray.remote((shared: Int32Array) => void (shared[1] = 9)).options({ numReturns: 0 }).remote(shared);
    expect(viaOptions).to.equal(undefined);
    expect(await waitForCondition(() => shared[1] === 9, 10)).to.equal(true);
  });

  it("prints the error of a failing task in the driver's output", async () => {
    const text = await stderrWhile(() => fails.remote(), (t) => t.includes("boom"));
    expect(text).to.contain("Unhandled error of ray::fails() (numReturns: 0, no ref to get it from)");
    expect(text).to.contain("RangeError: boom in a task without refs");
  });

  it("refuses a negative or fractional numReturns still", () => {
    for (const n of [-1, 0.5]) expect(() => ray.remote({ numReturns: n }, () => 1)).to.throw(RangeError, /numReturns must be an integer >= 0/);
  });
});
