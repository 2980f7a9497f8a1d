// The iopub status of each request: its busy ... idle holds no other status of its own
// channel and none that no request caused (jupyter_kernel_test reads the first status
// after a request's busy as its idle). A control request is still answered while a cell
// runs; its own busy ... idle then falls inside the cell's, as with ipykernel.
import { expect } from "chai";
import type { Exchange } from "../client/kernel-client";
import type { Message } from "../kernel/protocol/wire";
import { sharedTestKernel, startTestKernel } from "./support/kernel";

const requestOf = (exchange: Exchange) => String(exchange.reply.parent_header.msg_id);
const parentOf = (message: Message) => String(message.parent_header.msg_id ?? "none");

/** The statuses published between the request's busy and its idle, as "state parent". */
function statusesWithin(log: Message[], request: string): string[] {
  const statuses = log.filter((m) => m.header.msg_type === "status");
  const busy = statuses.findIndex((m) => parentOf(m) === request && m.content.execution_state === "busy");
  const idle = statuses.findIndex((m) => parentOf(m) === request && m.content.execution_state === "idle");
  expect(busy, `a busy status for ${request}`).to.be.at.least(0);
  expect(idle, `an idle status for ${request} after its busy`).to.be.greaterThan(busy);
  return statuses.slice(busy + 1, idle).map((m) => `${m.content.execution_state} ${parentOf(m)}`);
}

describe("kernel: the status messages around each request", function () {
  it("in a fresh kernel, kernel_info followed at once by cells: each busy ... idle holds no other status", async () => {
    const kernel = await startTestKernel();
    try {
      const { client } = kernel;
      // Sent together, while the executor is still starting (a frontend's first requests).
      const exchanges = await Promise.all([
        client.request("shell", "kernel_info_request", {}),
        client.execute("1 + 1"),
        client.execute("2 + 2"),
        client.request("shell", "kernel_info_request", {}),
      ]);
      for (const exchange of exchanges) expect(statusesWithin(client.iopubLog, requestOf(exchange)), requestOf(exchange)).to.deep.equal([]);
    } finally {
      await kernel.shutdown();
    }
  });

  describe("on the control channel", function () {
    const session = sharedTestKernel();

    it("answers control requests one at a time, each busy ... idle holding no other", async () => {
      const { client } = session.kernel;
      const exchanges = await Promise.all([
        client.request("control", "kernel_info_request", {}),
        client.request("control", "kernel_info_request", {}),
        client.request("control", "kernel_info_request", {}),
      ]);
      for (const exchange of exchanges) expect(statusesWithin(client.iopubLog, requestOf(exchange)), requestOf(exchange)).to.deep.equal([]);
    });

    it("answers kernel_info while a cell runs; only that request's busy and idle fall inside the cell's", async () => {
      const { client } = session.kernel;
      let cellDone = false;
      let started!: () => void;
      const cellStarted = new Promise<void>((resolve) => (started = resolve));
      const onMessage = (m: Message) => m.header.msg_type === "execute_input" && started();
      const cell = client.execute("await new Promise((resolve) => setTimeout(resolve, 1500))", { onMessage });
      void cell.then(() => (cellDone = true));
      await cellStarted;
      const info = await client.request("control", "kernel_info_request", {});
      expect(cellDone, "kernel_info answered before the cell ended").to.equal(false);
      const control = requestOf(info);
      expect(statusesWithin(client.iopubLog, control)).to.deep.equal([]);
      expect(statusesWithin(client.iopubLog, requestOf(await cell))).to.deep.equal([`busy ${control}`, `idle ${control}`]);
    });
  });
});
