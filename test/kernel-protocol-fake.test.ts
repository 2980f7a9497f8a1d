// The kernel's protocol side (KernelServer) against a fake interpreter: busy/idle order,
// stop_on_error, control while a cell runs, input, restarts. No tslab, so it runs in
// milliseconds; the same points against the real executor are in the other kernel tests.
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KernelClient } from "../client/kernel-client";
import { writeConnectionFile } from "../client/launch";
import { KernelServer } from "../kernel/server";
import type { Message } from "../kernel/protocol/wire";
import { FakeInterpreter } from "./support/fake-interpreter";
import { delay } from "./support/kernel";

/** What iopub carried for one request, as "status:busy", "execute_input", ... in order. */
function iopubFor(client: KernelClient, request: Message): string[] {
  return client.iopubLog
    .filter((m) => m.parent_header.msg_id === request.parent_header.msg_id)
    .map((m) => (m.header.msg_type === "status" ? `status:${m.content.execution_state}` : m.header.msg_type));
}

/** A server built while JUPYTER_DATA_DIR points at `dataDir`, so its history file lands there. */
function serverWithHistoryIn(dataDir: string, ...args: ConstructorParameters<typeof KernelServer>): KernelServer {
  const previous = process.env.JUPYTER_DATA_DIR;
  process.env.JUPYTER_DATA_DIR = dataDir;
  try {
    return new KernelServer(...args);
  } finally {
    if (previous === undefined) delete process.env.JUPYTER_DATA_DIR;
    else process.env.JUPYTER_DATA_DIR = previous;
  }
}

describe("kernel protocol, against a fake interpreter", () => {
  let dir: string;
  let fake: FakeInterpreter;
  let server: KernelServer;
  let client: KernelClient;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "tsray-fake-kernel-"));
    const { info } = await writeConnectionFile(dir);
    fake = new FakeInterpreter();
    server = serverWithHistoryIn(dir, info, fake);
    await server.start();
    client = new KernelClient(info);
    client.connect();
    await client.waitForReady();
  });

  afterEach(async () => {
    client.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("wraps kernel_info in busy ... idle, on shell and on control", async () => {
    for (const channel of ["shell", "control"] as const) {
      const { reply } = await client.request(channel, "kernel_info_request", {});
      expect(reply.content.status).to.equal("ok");
      expect(iopubFor(client, reply)).to.deep.equal(["status:busy", "status:idle"]);
    }
  });

  it("publishes a cell's input, output and result between its busy and idle", async () => {
    const { reply } = await client.execute("print:hello");
    expect(reply.content).to.include({ status: "ok", execution_count: 1 });
    expect(iopubFor(client, reply)).to.deep.equal(["status:busy", "execute_input", "stream", "execute_result", "status:idle"]);
  });

  it("aborts the cells queued behind a failing one (stop_on_error), and runs the next", async () => {
    const failing = client.execute("block");
    await fake.blocking();
    const queued = [client.execute("second"), client.execute("third")];
    await delay(100); // for both to reach the kernel's queue before the first cell ends
    void client.request("control", "interrupt_request", {});
    expect((await failing).reply.content.ename).to.equal("KeyboardInterrupt");
    const aborted = await Promise.all(queued);
    expect(aborted.map((exchange) => exchange.reply.content.status)).to.deep.equal(["aborted", "aborted"]);
    expect(iopubFor(client, aborted[0].reply)).to.deep.equal(["status:busy", "status:idle"]);
    expect((await client.execute("after")).reply.content.status).to.equal("ok");
    expect(fake.executed).to.deep.equal(["block", "after"]);
  });

  it("runs the queued cells after a failure when stop_on_error is false", async () => {
    const failing = client.execute("fail:Oops", { stopOnError: false });
    const next = client.execute("next");
    expect((await failing).reply.content).to.include({ status: "error", ename: "Oops" });
    expect((await next).reply.content.status).to.equal("ok");
    expect(fake.executed).to.deep.equal(["fail:Oops", "next"]);
  });

  it("answers control requests while a cell runs, and interrupts it", async () => {
    const running = client.execute("block");
    await fake.blocking();
    const info = await client.request("control", "kernel_info_request", {});
    expect(info.reply.content.status).to.equal("ok");
    expect(fake.isBlocked(), "the cell still runs").to.equal(true);
    const interrupt = await client.request("control", "interrupt_request", {});
    expect(interrupt.reply.content.status).to.equal("ok");
    expect(fake.interrupts).to.equal(1);
    const { reply, messages } = await running;
    expect(reply.content).to.include({ status: "error", ename: "KeyboardInterrupt" });
    expect(messages.map((m) => m.header.msg_type)).to.include("error");
  });

  it("asks the frontend for input on stdin and gives the cell the answer", async () => {
    const prompts: string[] = [];
    const { reply, messages } = await client.execute("input:Your name?", {
      onInput: (prompt) => {
        prompts.push(prompt);
        return "Ada";
      },
    });
    expect(reply.content.status).to.equal("ok");
    expect(prompts).to.deep.equal(["Your name?"]);
    expect(messages.find((m) => m.header.msg_type === "execute_result")?.content.data["text/plain"]).to.equal("Ada");
  });

  it("tells the cell why there is no input when the frontend does not allow stdin", async () => {
    const { reply } = await client.execute("input:Your name?", { allowStdin: false });
    expect(reply.content).to.include({ status: "error", ename: "InputError" });
    expect(reply.content.evalue).to.contain("allow_stdin is false");
  });

  it("passes complete and inspect to the interpreter", async () => {
    const completed = await client.request("shell", "complete_request", { code: "ra", cursor_pos: 2 });
    expect(completed.reply.content).to.deep.include({ status: "ok", matches: ["ra!"], cursor_start: 0, cursor_end: 2 });
    const inspected = await client.request("shell", "inspect_request", { code: "ray", cursor_pos: 1, detail_level: 0 });
    expect(inspected.reply.content).to.deep.include({ status: "ok", found: true, data: { "text/plain": "about ray" } });
  });

  it("announces the interpreter's restart on iopub, with no parent", async () => {
    const unparented = () =>
      client.iopubLog.filter((m) => m.header.msg_type === "status" && m.parent_header.msg_id === undefined).map((m) => m.content.execution_state);
    const before = unparented().length;
    fake.emit("restarting", "the fake interpreter died");
    fake.emit("restarted");
    await client.request("shell", "kernel_info_request", {}); // iopub is in order: both arrived before its idle
    expect(unparented().slice(before)).to.deep.equal(["restarting", "idle"]);
  });
});
