// Values and errors keep their class between the driver and tasks (API.md section 2): a
// task's error or result of a top-level class is rebuilt with that class and its fields,
// arguments reach a task using the class as that class; a class the driver cannot find
// (one local to the task) comes back as a plain Error or object with the fields.
import { expect } from "chai";
import * as ray from "../runtime";
import { rejectionOf } from "./support/outcomes";

export class QuotaError extends Error {
  code = "E_QUOTA";
  constructor(readonly limit: number) {
    super(`over the quota of ${limit}`);
    this.name = "QuotaError";
  }
  describe(): string {
    return `${this.code}/${this.limit}`;
  }
}

export class Point {
  constructor(public x: number, public y: number) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

/** Not exported: the driver finds it among what the task's function closes over. */
class HiddenError extends Error {
  code = 7;
  constructor(message: string) {
    super(message);
    this.name = "HiddenError";
  }
}

describe("runtime: classes of values and errors", function () {
  before(() => ray.init({ numCpus: 2 }));
  after(() => ray.shutdown());

  it("rebuilds a task's error of a top-level class with that class, its fields and the task's stack", async () => {
    const over = ray.remote(function overQuota(n: number) {
      throw new QuotaError(n);
    });
    const error = await rejectionOf(ray.get(over.remote(5)));
    expect(error).to.be.instanceOf(ray.exceptions.RayTaskError);
    expect(error.name).to.equal("RayTaskError(QuotaError)");
    const cause = error.cause as QuotaError;
    expect(cause).to.be.instanceOf(QuotaError);
    expect([cause.code, cause.limit, cause.message, cause.describe()]).to.deep.equal(["E_QUOTA", 5, "over the quota of 5", "E_QUOTA/5"]);
    expect(cause.stack).to.contain("runtime-classes.test");
  });

  it("keeps a thrown plain object as it was, and says what it was", async () => {
    const bad = ray.remote(() => {
      throw { code: 42, detail: ["disk"] };
    });
    const error = await rejectionOf(ray.get(bad.remote()));
    expect(error).to.be.instanceOf(ray.exceptions.RayTaskError);
    expect(error.cause).to.deep.equal({ code: 42, detail: ["disk"] });
    expect(error.message).to.contain("a non-Error value was thrown: { code: 42, detail: [ 'disk' ] }");
  });

  it("returns an instance of a top-level class as that class", async () => {
    const make = ray.remote((x: number, y: number) => new Point(x, y));
    const point = await ray.get(make.remote(3, 4));
    expect(point).to.be.instanceOf(Point);
    expect(point.norm()).to.equal(5);
  });

  it("hands an argument and a put value to a task that uses their class as that class", async () => {
    const norm = ray.remote((p: unknown) => (p instanceof Point ? p.norm() : `not a Point: ${JSON.stringify(p)}`));
    expect(await ray.get(norm.remote(new Point(6, 8)))).to.equal(10);
    expect(await ray.get(norm.remote(ray.put(new Point(5, 12))))).to.equal(13);
    expect(await ray.get(norm.remote({ x: 1, y: 1 }))).to.equal('not a Point: {"x":1,"y":1}');
  });

  it("gives back a put instance as its class in the driver", async () => {
    class Local {
      n = 2;
      twice() {
        return this.n * 2;
      }
    }
    const local = await ray.get(ray.put(new Local()));
    expect(local).to.be.instanceOf(Local);
    expect(local.twice()).to.equal(4);
  });

  it("rebuilds an error of a class its module does not export with that class", async () => {
    const hidden = ray.remote(() => {
      throw new HiddenError("hidden");
    });
    const cause = (await rejectionOf(ray.get(hidden.remote()))).cause as HiddenError;
    expect(cause).to.be.instanceOf(HiddenError);
    expect([cause.name, cause.message, cause.code]).to.deep.equal(["HiddenError", "hidden", 7]);
  });

  it("rebuilds an error of a class the driver cannot find (local to the task) as an Error with its name and fields", async () => {
    const local = ray.remote(() => {
      class LocalError extends Error {
        code = 8;
      }
      throw Object.assign(new LocalError("local"), { name: "LocalError" });
    });
    const error = await rejectionOf(ray.get(local.remote()));
    expect(error.name).to.equal("RayTaskError(LocalError)");
    const cause = error.cause as Error & { code: number };
    expect(cause).to.be.instanceOf(Error);
    expect(cause.constructor).to.equal(Error);
    expect([cause.name, cause.message, cause.code]).to.deep.equal(["LocalError", "local", 8]);
  });

  it("leaves out the fields of a thrown error that cannot be copied, and keeps the others", async () => {
    const bad = ray.remote(() => {
      throw Object.assign(new RangeError("with a callback"), { retry: () => 1, attempts: 3 });
    });
    const error = await rejectionOf(ray.get(bad.remote()));
    expect(error).to.be.instanceOf(RangeError);
    const cause = error.cause as RangeError & { attempts?: number; retry?: unknown };
    expect(cause).to.be.instanceOf(RangeError);
    expect([cause.message, cause.attempts, "retry" in cause]).to.deep.equal(["with a callback", 3, false]);
  });

  it("reports a thrown error whose fields cannot even be read by its class's built-in base and message", async () => {
    const odd = ray.remote(() => {
      throw Object.defineProperty(new TypeError("odd"), "detail", {
        enumerable: true,
        get() {
          throw new Error("not readable");
        },
      });
    });
    const error = await rejectionOf(ray.get(odd.remote()));
    expect(error).to.be.instanceOf(ray.exceptions.RayTaskError);
    expect(error.cause).to.be.instanceOf(TypeError);
    expect((error.cause as Error).message).to.equal("odd");
  });
});
