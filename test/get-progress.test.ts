// The progress bar of a long `ray.get` in the cell: shown after a second of waiting, updated
// in place (update_display_data), settled into one line at the end; nothing for a short get;
// settled as interrupted, and quiet from then on, when the cell awaiting it is interrupted.
import { expect } from "chai";
import { sharedTestKernel, ofType, delay, resultText } from "./support/kernel";
import type { Message } from "../kernel/protocol/wire";

const isProgressBar = (m: Message) => m.header.msg_type === "display_data" && String(m.content.data["text/html"]).includes("tsray-progress");

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

  // Last: the 6 s nap keeps a worker busy after the interrupt.
  it("settles the bar of an interrupted get into one line, then sends nothing more; the cell keeps what it assigned", async () => {
    let barShown!: () => void;
    const shownNow = new Promise<void>((resolve) => (barShown = resolve));
    const waiting = run("const assignedBefore = 'kept';\nawait ray.get([nap.remote(0.1), nap.remote(6)])", {
      onMessage: (m) => isProgressBar(m) && barShown(),
    });
    await shownNow;
    await session.kernel.client.request("control", "interrupt_request", {});
    const { reply, messages } = await waiting;
    expect(reply.content.ename).to.equal("KeyboardInterrupt");
    const displayId = messages.find(isProgressBar)!.content.transient.display_id;
    const updatesOfBar = (all: Message[]) => ofType(all, "update_display_data").filter((m) => m.content.transient.display_id === displayId);
    expect(updatesOfBar(messages), "the bar settled before the reply").to.not.be.empty;
    const last = updatesOfBar(messages).at(-1)!.content.data;
    expect(last["text/plain"]).to.match(/^ray\.get: interrupted after \d+\.\d s \(1\/2 ready\)$/);
    expect(last["text/html"]).to.include('data-done="interrupted"');
    const updatesAtReply = updatesOfBar(session.kernel.client.iopubLog).length;
    await delay(1_500);
    expect(updatesOfBar(session.kernel.client.iopubLog).length, "updates after the interrupt").to.equal(updatesAtReply);
    const later = await run("assignedBefore");
    expect(later.reply.content.status, JSON.stringify(later.reply.content)).to.equal("ok");
    expect(resultText(later.messages)).to.equal("'kept'");
  });
});
