// A ref made before ray.shutdown() used after the next ray.init(): refused where it is used
// (.remote(), actor calls, get, wait, cancel) with an error saying what to do; the scheduler
// never meets it, and later tasks run. In a plain Node program, and through the kernel.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { join } from "node:path";
import * as ray from "../runtime";
import { resultText, sharedTestKernel } from "./support/kernel";
import { rejectionOf } from "./support/outcomes";

export const inc = ray.remote((x: number) => x + 1);
class Box {
  hold(value: unknown): unknown {
    return value;
  }
}
class Holder {
  constructor(readonly value: number) {}
}

const EARLIER = /belongs to an earlier session: it was made before ray\.shutdown\(\).*run its task or ray\.put its value again/;

describe("runtime: refs of an earlier session", function () {
  let early: ray.ObjectRef<number>;
  before(async () => {
    ray.init({ numCpus: 1, dashboard: false });
    await ray.get(inc.remote(0));
    early = ray.put(1);
    await ray.shutdown();
    ray.init({ numCpus: 1, dashboard: false });
  });
  after(() => ray.shutdown());

  it("refuses it at .remote(), top-level or nested, and at an actor call or creation", () => {
    expect(() => inc.remote(early)).to.throw(ray.exceptions.RayError, EARLIER);
    expect(() => inc.remote([early] as never)).to.throw(/anonymous\.remote\(\): ObjectRef\([0-9a-f]{56}\) belongs to an earlier session/);
    const box = ray.remote(Box).remote();
    expect(() => box.hold.remote(early)).to.throw(/hold\.remote\(\): .*earlier session/);
    expect(() => ray.remote(Holder).remote(early)).to.throw(/Holder\.remote\(\): .*earlier session/);
    ray.kill(box);
  });

  it("refuses it at get, wait and cancel", async () => {
    expect((await rejectionOf(ray.get(early))).message).to.match(/^ray\.get\(\): /).and.match(EARLIER);
    expect((await rejectionOf(ray.wait([early]))).message).to.match(/^ray\.wait\(\): /).and.match(EARLIER);
    expect(() => ray.cancel(early)).to.throw(/^ray\.cancel\(\): .*earlier session/);
  });

  it("runs later tasks", async () => {
    expect(() => inc.remote(early)).to.throw(EARLIER);
    expect(await ray.get(inc.remote(2), { timeout: 20 })).to.equal(3);
  });

  it("in a plain Node program: refused with the message, exit code 0, a later task runs", async () => {
    const child = join(__dirname, "fixtures", "earlier-session-child.js");
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const running = execFile(process.execPath, [child], { timeout: 60_000 }, (_error, stdout) => resolve({ code: running.exitCode, stdout }));
    });
    expect(code, stdout).to.equal(0);
    expect(stdout).to.match(/refused: anonymous\.remote\(\): ObjectRef\([0-9a-f]{56}\) belongs to an earlier session/);
    expect(stdout).to.contain("later: 3");
  });
});

describe("runtime in the kernel: refs of an earlier session", function () {
  const session = sharedTestKernel();
  const run = session.run;

  it("shows the refusal in the cell that uses one (captured by a task too); a later task still runs", async () => {
    await run("ray.init({ numCpus: 1, dashboard: false });\nconst early = ray.put(1);\nconst inc = ray.remote((x: number) => x + 1);");
    await run("await ray.shutdown();\nray.init({ numCpus: 1, dashboard: false });");
    const refused = await run("inc.remote(early)");
    expect(refused.reply.content.status).to.equal("error");
    expect(refused.reply.content.evalue).to.match(EARLIER);
    const captured = await run("ray.remote(() => early).remote()");
    expect(captured.reply.content.evalue).to.match(EARLIER);
    const later = await run("await ray.get(inc.remote(2), { timeout: 20 })");
    expect(later.reply.content.status, JSON.stringify(later.reply.content)).to.equal("ok");
    expect(resultText(later.messages)).to.equal("3");
  });
});
