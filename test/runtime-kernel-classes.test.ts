// Values and errors keep their class through the real kernel, where the class is a cell's
// declaration: a task's error of it is its cause with its fields, its instances come back
// as it and reach a task as it; a thrown plain object is shown as it was.
import { expect } from "chai";
import { sharedTestKernel } from "./support/kernel";

describe("runtime in the kernel: classes of values and errors", function () {
  const session = sharedTestKernel();
  const run = session.run;

  const value = session.value;

  before(async () => {
    await value(
      "ray.init({ numCpus: 2 });\n" +
        "class QuotaError extends Error {\n" +
        '  code = "E_QUOTA";\n' +
        "  constructor(readonly limit: number) {\n" +
        "    super(`over the quota of ${limit}`);\n" +
        '    this.name = "QuotaError";\n' +
        "  }\n" +
        "}\n" +
        "class Point {\n" +
        "  constructor(public x: number, public y: number) {}\n" +
        "  norm() { return Math.hypot(this.x, this.y); }\n" +
        "}"
    );
  });

  it("rebuilds a task's error of a cell's class with that class and its fields", async () => {
    const result = await value(
      "const over = ray.remote((n: number) => { throw new QuotaError(n); });\n" +
        "let caught: any;\n" +
        "try { await ray.get(over.remote(7)); } catch (e) { caught = e; }\n" +
        "[caught instanceof ray.exceptions.RayTaskError, caught.cause instanceof QuotaError, caught.cause.code, caught.cause.limit, caught.name]"
    );
    expect(result).to.equal("[ true, true, 'E_QUOTA', 7, 'RayTaskError(QuotaError)' ]");
  });

  it("returns an instance of a cell's class as that class, and passes one to a task as that class", async () => {
    const result = await value(
      "const p = await ray.get(ray.remote(() => new Point(3, 4)).remote());\n" +
        "const n = await ray.get(ray.remote((q: unknown) => (q instanceof Point ? q.norm() : -1)).remote(new Point(6, 8)));\n" +
        "[p instanceof Point, p.norm(), n]"
    );
    expect(result).to.equal("[ true, 5, 10 ]");
  });

  it("shows a thrown plain object as it was", async () => {
    const { reply } = await run("await ray.get(ray.remote(() => { throw { code: 42 }; }).remote())");
    expect(reply.content.ename).to.equal("RayTaskError(Error)");
    expect(reply.content.evalue).to.contain("a non-Error value was thrown: { code: 42 }");
  });
});
