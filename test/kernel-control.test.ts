// Interrupts, restarts, stdin, bad messages, a dying executor: the kernel stays up.
import { expect } from "chai";
import * as zmq from "zeromq";
import { sharedTestKernel, resultText, delay } from "./support/kernel";
import { channelAddress } from "../kernel/protocol/connection";
import { encode, newHeader, Signer } from "../kernel/protocol/wire";
import type { Exchange } from "../client/kernel-client";

describe("kernel: control, interrupts and robustness", function () {
  const session = sharedTestKernel();
  const run = session.run;
  /** Runs `code` once the replaced executor is up (cells sent before that get errors). */
  async function runOnceBack(code: string): Promise<Exchange> {
    for (let tries = 0; tries < 50; tries++) {
      const answer = await run(code);
      if (answer.reply.content.status === "ok") return answer;
      await delay(200);
    }
    throw new Error(`the kernel did not run ${code} after its executor was replaced`);
  }
  const interruptByMessage = () => session.kernel.client.request("control", "interrupt_request", {});

  async function heartbeatAnswers(): Promise<boolean> {
    const hb = new zmq.Request({ linger: 0, receiveTimeout: 2000 });
    hb.connect(channelAddress(session.kernel.info, "hb"));
    try {
      await hb.send("ping");
      const [echo] = await hb.receive();
      return echo.toString() === "ping";
    } finally {
      hb.close();
    }
  }

  it("interrupts an endless loop by interrupt_request; heartbeat and control answer meanwhile; variables survive", async () => {
    await run("const kept = 'still here';");
    const looping = run("while (true) {}");
    await delay(500);
    expect(await heartbeatAnswers()).to.equal(true);
    const info = await session.kernel.client.request("control", "kernel_info_request", {});
    expect(info.reply.content.implementation).to.equal("tsray");
    await interruptByMessage();
    const { reply } = await looping;
    expect(reply.content.status).to.equal("error");
    expect(reply.content.ename).to.equal("KeyboardInterrupt");
    expect(resultText((await run("kept")).messages)).to.equal("'still here'");
  });

  it("interrupts time.sleep(60) by SIGINT to the kernel process", async () => {
    const started = Date.now();
    const sleeping = run("time.sleep(60)");
    await delay(500);
    session.kernel.process.kill("SIGINT");
    const { reply } = await sleeping;
    expect(reply.content.ename).to.equal("KeyboardInterrupt");
    expect(Date.now() - started).to.be.below(10_000);
  });

  it("interrupts an awaited cell, and a blocking sleep after an await", async () => {
    const awaiting = run("await new Promise(() => {})");
    await delay(500);
    await interruptByMessage();
    expect((await awaiting).reply.content.ename).to.equal("KeyboardInterrupt");
    const afterAwait = run("await Promise.resolve(); time.sleep(60)");
    await delay(500);
    await interruptByMessage();
    expect((await afterAwait).reply.content.ename).to.equal("KeyboardInterrupt");
    expect(resultText((await run("kept.length")).messages)).to.equal("10");
  });

  it("asks the frontend for input over stdin, and says why when stdin is not allowed", async () => {
    const prompts: string[] = [];
    const asked = await run('const name = await input("name? ");\n"hello " + name', {
      onInput: (prompt: string) => {
        prompts.push(prompt);
        return "Ada";
      },
    });
    expect(prompts).to.deep.equal(["name? "]);
    expect(resultText(asked.messages)).to.equal("'hello Ada'");
    const refused = await run('await input("x? ")', { allowStdin: false });
    expect(refused.reply.content.ename).to.equal("StdinNotImplementedError");
    expect(refused.reply.content.evalue).to.match(/allow_stdin is false/);
  });

  it("drops messages with a bad signature or garbage frames and keeps serving", async () => {
    const header = newHeader("execute_request", "intruder");
    const content = { code: "console.log('should not run')", silent: false };
    const wrongKey = encode(new Signer("not-the-key"), { identities: [], header, parent_header: {}, metadata: {}, content });
    await session.kernel.client.sendRaw("shell", wrongKey);
    await session.kernel.client.sendRaw("shell", [Buffer.from("<IDS|MSG>"), Buffer.from("sig"), Buffer.from("{not json")]);
    await session.kernel.client.sendRaw("shell", [Buffer.from("no delimiter at all")]);
    await session.kernel.client.sendRaw("control", [Buffer.alloc(0)]);
    await delay(300);
    const { reply } = await run("'alive'");
    expect(reply.content.status).to.equal("ok");
    const ranIntruder = session.kernel.client.iopubLog.some((m) => m.content.text === "should not run\n");
    expect(ranIntruder).to.equal(false);
  });

  it("restarts with fresh state, a new history session and counts from 1", async () => {
    await run("const beforeRestart = 1;");
    const before = session.kernel.process;
    await session.kernel.restart();
    expect(before.exitCode, "the old kernel process ended").to.equal(0);
    const after = await run("typeof beforeRestart");
    expect(after.reply.content.execution_count).to.equal(1);
    expect(after.reply.content.status).to.equal("error");
    const history = await session.kernel.client.request("shell", "history_request", { hist_access_type: "search", pattern: "*beforeRestart*", unique: true, output: false, raw: true });
    const sessions = new Set(history.reply.content.history.map((entry: number[]) => entry[0]));
    expect(sessions.size).to.equal(2);
  });

  it("survives a cell that kills its executor, and says so", async () => {
    const { reply } = await run("process.exit(3)");
    expect(reply.content.ename).to.equal("KernelDied");
    expect(reply.content.evalue).to.match(/exited with code 3/);
    expect(resultText((await runOnceBack("'back'")).messages)).to.equal("'back'");
  });

  it("frees the kernel from an endless loop after an await by replacing the executor, and says so", async () => {
    // A replaced executor (the test before) first finishes its start: the loop must be running when the interrupt comes.
    await runOnceBack("'started'");
    await delay(1000);
    const stuck = run("await Promise.resolve(); while (true) {}");
    await delay(500);
    await interruptByMessage();
    const { reply } = await stuck;
    expect(reply.content.ename).to.equal("KernelDied");
    expect(reply.content.evalue).to.match(/stuck in code that an interrupt cannot stop.*variables are lost/);
    expect(resultText((await runOnceBack("'free again'")).messages)).to.equal("'free again'");
  });

  it("answers history tail, range and search", async () => {
    await run("const h1 = 1;");
    await run("const h2 = 2;");
    await run("const h1b = 3;");
    const ask = async (content: object) =>
      (await session.kernel.client.request("shell", "history_request", { output: false, raw: true, ...content })).reply.content.history;
    const tail = await ask({ hist_access_type: "tail", n: 2 });
    expect(tail.map((e: string[]) => e[2])).to.deep.equal(["const h2 = 2;", "const h1b = 3;"]);
    const range = await ask({ hist_access_type: "range", session: 0, start: 1, stop: 3 });
    expect(range.map((e: number[]) => e[1])).to.deep.equal([1, 2]);
    const search = await ask({ hist_access_type: "search", pattern: "const h1*", n: 5 });
    expect(search.map((e: string[]) => e[2])).to.deep.equal(["const h1 = 1;", "const h1b = 3;"]);
  });
});

describe("kernel: an interrupt that comes before its cell has started", function () {
  const session = sharedTestKernel();

  it("stops the cell as it starts: a loop sent right after a fresh kernel's first cell, interrupted at once", async () => {
    // The executor finishes its start after its first answer (about 0.3 s): the loop waits behind that.
    expect((await session.run("const early = 1;")).reply.content.status).to.equal("ok");
    const looping = session.run("while (true) {}");
    await delay(50);
    await session.kernel.client.request("control", "interrupt_request", {});
    const { reply } = await looping;
    expect(reply.content.ename, String(reply.content.evalue)).to.equal("KeyboardInterrupt");
    expect(resultText((await session.run("early + 1")).messages)).to.equal("2");
  });

  it("stops a cell interrupted while its compile outlasts the stuck limit (2 s), without replacing the executor", async () => {
    await session.run("const survivor = 'kept';");
    const compiling = session.run(slowToTypeCheck(24));
    await delay(300);
    await session.kernel.client.request("control", "interrupt_request", {});
    const interruptedAt = Date.now();
    const { reply } = await compiling;
    expect(reply.content.ename, String(reply.content.evalue)).to.equal("KeyboardInterrupt");
    // The premise: the compile went on past the limit after the interrupt (else this proves nothing).
    expect(Date.now() - interruptedAt, "the cell compiled too fast to test this: give slowToTypeCheck more blocks").to.be.above(2500);
    expect(resultText((await session.run("survivor")).messages)).to.equal("'kept'");
  });
});

/**
 * A small cell that takes TypeScript about 0.25 s a block to check (10,000 template literal
 * keys, each split by inference), inside braces so that no later cell checks it again.
 */
function slowToTypeCheck(blocks: number): string {
  const lines = [
    "type D = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;",
    "type Num = `${D}${D}${D}${D}`;",
    "type Split<T, P extends string> = T extends `${infer A}${infer B}${infer C}${infer E}` ? { a: A; all: `${P}${E}${C}${B}${A}` } : never;",
  ];
  for (let i = 0; i < blocks; i++) {
    lines.push(`type R${i} = { [K in Num as \`k\${K}\`]: Split<K, "${i}"> };`);
    lines.push(`const r${i} = null as unknown as R${i};`);
    lines.push(`const s${i}: { [K in Num as \`k\${K}\`]: { all: string } } = r${i};`);
  }
  return `{\n${lines.join("\n")}\n}`;
}
