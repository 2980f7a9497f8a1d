// The kernel over our own ZeroMQ client: what a cell produces.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sharedTestKernel, startTestKernel, ofType, stdoutOf, resultText, delay, TestKernel } from "./support/kernel";

describe("kernel: executing cells", function () {
  const session = sharedTestKernel();
  const run = session.run;

  it("publishes execute_input, stdout and the last expression as execute_result", async () => {
    const { reply, messages } = await run('const greeting: string = "hi";\nconsole.log(greeting, 41);\n[1, "a", { b: 2 }]');
    expect(reply.content.status).to.equal("ok");
    expect(ofType(messages, "execute_input")[0].content.code).to.contain("greeting");
    expect(stdoutOf(messages)).to.equal("hi 41\n");
    expect(resultText(messages)).to.equal("[ 1, 'a', { b: 2 } ]");
    expect(ofType(messages, "execute_result")[0].content.execution_count).to.equal(reply.content.execution_count);
  });

  it("lets a later cell redeclare a const and use top-level await", async () => {
    await run("const answer = 1;");
    const { messages } = await run("const answer = await Promise.resolve(42);\nanswer");
    expect(resultText(messages)).to.equal("42");
  });

  it("reports a type error with the cell's line and column, and runs none of the cell", async () => {
    const { reply, messages } = await run('console.log("ran");\nconst n: number = "text";');
    expect(reply.content.status).to.equal("error");
    expect(reply.content.ename).to.equal("TSError");
    expect(reply.content.evalue).to.match(/line 2, column 7: Type 'string' is not assignable to type 'number'/);
    expect(stdoutOf(messages)).to.equal("");
    expect(ofType(messages, "error")).to.have.length(1);
  });

  it("shows a runtime error with a traceback pointing at the cell's lines", async () => {
    const { reply } = await run('function fails(n: number) {\n  if (n > 0) {\n    throw new RangeError("too big: " + n);\n  }\n}\nfails(3)');
    expect(reply.content.ename).to.equal("RangeError");
    expect(reply.content.evalue).to.equal("too big: 3");
    const traceback = (reply.content.traceback as string[]).join("\n");
    expect(traceback).to.match(/line 3, in fails/);
    expect(traceback).to.contain('throw new RangeError("too big: " + n);');
    expect(traceback).not.to.match(/node:internal|tslab/);
  });

  it("counts executions but not silent ones, and keeps store_history:false out of history", async () => {
    const first = await run("1");
    const silent = await run("2", { silent: true });
    const unstored = await run("'not stored'", { storeHistory: false });
    const next = await run("3");
    const count = first.reply.content.execution_count;
    expect(silent.reply.content.execution_count).to.equal(count);
    expect(ofType(silent.messages, "execute_input")).to.have.length(0);
    expect(ofType(silent.messages, "execute_result")).to.have.length(0);
    expect(unstored.reply.content.execution_count).to.equal(count);
    expect(next.reply.content.execution_count).to.equal(count + 1);
    const { reply } = await session.kernel.client.request("shell", "history_request", { hist_access_type: "tail", n: 3, output: false, raw: true });
    expect(reply.content.history.map((entry: unknown[]) => entry[2])).not.to.include("'not stored'");
  });

  it("sends output printed later by a timer to the cell that started it", async () => {
    const first = await session.kernel.client.execute('setTimeout(() => console.log("late line"), 300); "started"');
    const second = await session.kernel.client.execute("time.sleep(0.6); 'second'");
    expect(stdoutOf(second.messages)).to.equal("");
    const isLate = (m: { header: { msg_type: string }; content: Record<string, any> }) =>
      m.header.msg_type === "stream" && m.content.text === "late line\n";
    for (let waited = 0; waited < 3000 && !session.kernel.client.iopubLog.some(isLate); waited += 50) await delay(50);
    const late = session.kernel.client.iopubLog.find(isLate);
    expect(late, "the late line was published").to.exist;
    expect(late!.parent_header.msg_id).to.equal(first.reply.parent_header.msg_id);
  });

  it("displays, updates in place and clears outputs through display", async () => {
    const { messages } = await run('const h = display.html("<b>1</b>");\nh.update("<b>2</b>");\ndisplay.markdown("*md*");\ndisplay.clear(true);');
    const shown = ofType(messages, "display_data");
    const updated = ofType(messages, "update_display_data");
    expect(shown[0].content.data["text/html"]).to.equal("<b>1</b>");
    expect(updated[0].content.data["text/html"]).to.equal("<b>2</b>");
    expect(updated[0].content.transient.display_id).to.equal(shown[0].content.transient.display_id);
    expect(shown[1].content.data["text/markdown"]).to.equal("*md*");
    expect(ofType(messages, "clear_output")[0].content.wait).to.equal(true);
  });

  it("sees the preloaded helpers, typed", async () => {
    const { messages } = await run('pnd(3, 2.0012);\npd(4.0061, "Total time:");\nassert.deepStrictEqual([1], [1]);\ntypeof time.time()');
    expect(stdoutOf(messages)).to.equal("n:  3, duration:  2.001 seconds\nTotal time: duration:  4.006 seconds\n");
    expect(resultText(messages)).to.equal("'number'");
    const misuse = await run("pd('soon')");
    expect(misuse.reply.content.ename).to.equal("TSError");
  });

  it("aborts cells queued behind a failing one (stop_on_error)", async () => {
    const failing = run("time.sleep(0.3); throw new Error('first fails')");
    await delay(50);
    const queued = run("'never runs'");
    expect((await failing).reply.content.status).to.equal("error");
    expect((await queued).reply.content.status).to.equal("aborted");
    expect((await run("'runs again'")).reply.content.status).to.equal("ok");
  });

  it("completes and inspects with the TypeScript language service", async () => {
    await run("const myLongVariable = [1, 2, 3];");
    const { reply } = await session.kernel.client.request("shell", "complete_request", { code: "myLong", cursor_pos: 6 });
    expect(reply.content.matches).to.include("myLongVariable");
    expect(reply.content.cursor_start).to.equal(0);
    const inspected = await session.kernel.client.request("shell", "inspect_request", { code: "myLongVariable", cursor_pos: 3, detail_level: 0 });
    expect(inspected.reply.content.found).to.equal(true);
    expect(inspected.reply.content.data["text/plain"]).to.contain("const myLongVariable: number[]");
  });

  it("answers is_complete with complete, incomplete (with indent) and invalid", async () => {
    const ask = async (code: string) => (await session.kernel.client.request("shell", "is_complete_request", { code })).reply.content;
    expect(await ask("1 + 1")).to.deep.equal({ status: "complete" });
    expect(await ask("for (const x of xs) {")).to.deep.equal({ status: "incomplete", indent: "  " });
    expect(await ask("1 +* 2")).to.deep.equal({ status: "invalid" });
  });

  it("answers invalid, not incomplete or complete, for code nothing appended can fix", async () => {
    const ask = async (code: string) => (await session.kernel.client.request("shell", "is_complete_request", { code })).reply.content;
    // a parse error before the open brace; `@@` (a decorator of a decorator); a JavaScript early error
    for (const code of ["function ) {", "@@@", "let let = 1"]) expect(await ask(code), code).to.deep.equal({ status: "invalid" });
    // what could still be completed stays incomplete, type errors stay complete (running shows them)
    expect(await ask("@")).to.deep.equal({ status: "incomplete", indent: "" });
    expect(await ask('const v: number = "s"')).to.deep.equal({ status: "complete" });
    expect(await ask("await Promise.resolve(1)")).to.deep.equal({ status: "complete" });
  });
});

describe("kernel: cells importing the notebook folder's own TypeScript modules", function () {
  const folder = mkdtempSync(join(tmpdir(), "tsray-modules-"));
  let kernel: TestKernel;
  before(async () => {
    writeFileSync(join(folder, "double.ts"), "export function double(n: number): number {\n  return 2 * n;\n}\n");
    writeFileSync(join(folder, "four.ts"), 'import { double } from "./double";\nexport const four: number = double(2);\n');
    writeFileSync(join(folder, "broken.ts"), "export const notText: string = 5;\n");
    kernel = await startTestKernel(folder);
  });
  after(async () => {
    await kernel?.shutdown();
    rmSync(folder, { recursive: true, force: true });
  });

  it("compiles a module and the modules it imports, and runs the cell with them", async () => {
    const { reply, messages } = await kernel.client.execute('import { four } from "./four";\nimport { double } from "./double";\ndouble(four)');
    expect(reply.content.status).to.equal("ok");
    expect(resultText(messages)).to.equal("8");
  });

  it("reports a type error inside an imported module, and runs none of the cell", async () => {
    const { reply, messages } = await kernel.client.execute('console.log("ran");\nimport { notText } from "./broken";');
    expect(reply.content.status).to.equal("error");
    expect(reply.content.evalue).to.equal("broken.ts, line 1, column 14: Type 'number' is not assignable to type 'string'.");
    expect((reply.content.traceback as string[]).join("\n")).to.contain("export const notText: string = 5;");
    expect(stdoutOf(messages)).to.equal("");
  });
});

describe("kernel: the declaration files, read without their doc comments at start", function () {
  const session = sharedTestKernel();

  it("shows the lib's doc comments when inspected first thing, though the start went without them", async () => {
    const { reply } = await session.kernel.client.request("shell", "inspect_request", { code: "Math.floor", cursor_pos: 8, detail_level: 0 });
    expect(reply.content.found).to.equal(true);
    expect(reply.content.data["text/plain"]).to.contain("Returns the greatest integer less than or equal to its numeric argument.");
  });
});

describe("kernel: the declaration files, combined once the executor has started", function () {
  const session = sharedTestKernel();

  async function typesSeen() {
    const typed = await session.value('Buffer.from("héllo").length + [1, 2].at(-1)!');
    const { reply } = await session.run('const shout: number = "x".toUpperCase();');
    return { typed, typeError: String(reply.content.evalue).replace(/^Cell In\[\d+\], /, "") };
  }

  it("checks cells against Node's types and the lib the same before and after, and keeps the modules cells defined", async () => {
    // The first cell defines a module: the executor's converter is replaced once the files are combined.
    expect((await session.run("/** @module shapes */\nexport const sides: number = 4;")).reply.content.status).to.equal("ok");
    const before = await typesSeen();
    await delay(1500); // the executor combines them after its first answer, or half a second after its start
    expect(await typesSeen()).to.deep.equal(before);
    expect(before.typed).to.equal("8");
    expect(before.typeError).to.equal("line 1, column 7: Type 'string' is not assignable to type 'number'.");
    expect(await session.value('import { sides } from "./shapes";\nsides * 2')).to.equal("8");
  });
});
