// The progress bar of a long `ray.get` in the cell: shown after a second of waiting, updated
// in place (update_display_data), settled into one line at the end; nothing for a short get.
import { expect } from "chai";
import { sharedTestKernel, ofType } from "./support/kernel";

describe("kernel: progress of a long ray.get", function () {
  this.timeout(120_000);
  const session = sharedTestKernel();
  const run = session.run;

  it("shows a bar that updates in place and settles when the values are there", async () => {
    await run('ray.init({ numCpus: 2, ignoreReinitError: true, dashboard: false });\nconst nap = ray.remote((s: number) => { time.sleep(s); return s; });');
    const { reply, messages } = await run("const naps = await ray.get([0.2, 0.4, 1.6, 2.4].map((s) => nap.remote(s)));\nnaps");
    expect(reply.content.status).to.equal("ok");
    const shown = ofType(messages, "display_data").filter((m) => String(m.content.data["text/html"]).includes("tsray-progress"));
    expect(shown).to.have.length(1);
    expect(shown[0].content.data["text/plain"]).to.match(/^ray\.get: \[[#-]+\] \d\/4 ready, 1\.\d s$/);
    const updates = ofType(messages, "update_display_data").filter((m) => m.content.transient.display_id === shown[0].content.transient.display_id);
    expect(updates.length).to.be.within(2, 12);
    const last = updates[updates.length - 1].content.data;
    // The last nap ends 2.8 s in (FIFO on two workers); the line says how long it took.
    const settled = /^ray\.get: 4\/4 ready in (\d+\.\d) s$/.exec(last["text/plain"]);
    expect(settled, last["text/plain"]).to.not.equal(null);
    expect(Number(settled![1])).to.be.at.least(2.7);
    expect(last["text/html"]).to.include('data-done="ok"');
  });

  it("shows nothing for a get that is quick", async () => {
    const { messages } = await run("await ray.get([nap.remote(0.1), nap.remote(0.2)])");
    expect(ofType(messages, "display_data")).to.have.length(0);
    expect(ofType(messages, "update_display_data")).to.have.length(0);
  });
});
