// The runtime through the real kernel: `ray` preloaded, functions using earlier cells'
// declarations, refused closures, task errors pointing at the cell, interrupts.
import { expect } from "chai";
import { sharedTestKernel, stdoutOf, resultText } from "./support/kernel";

describe("runtime in the kernel", function () {
  const session = sharedTestKernel();
  const run = session.run;

  it("has ray preloaded; a task uses declarations of earlier cells and of its own cell", async () => {
    await run("ray.init({ numCpus: 2 });\nconst K = 5;\nfunction sq(n: number) { return n * n; }");
    const { reply, messages } = await run(
      'const offset = 1;\nconst f = ray.remote((n: number) => { console.log("in task", n); return sq(n) + K + offset; });\nawait ray.get(f.remote(3))'
    );
    expect(reply.content.status).to.equal("ok");
    expect(resultText(messages)).to.equal("15");
    expect(stdoutOf(messages)).to.match(/\(anonymous pid=\d+, worker=\d\) in task 3/);
  });

  it("has a task import again the modules and module functions earlier cells imported", async () => {
    await run('import * as path from "node:path";\nimport { basename } from "node:path";');
    const { reply, messages } = await run('const joined = ray.remote((p: string) => path.join("a", basename(p)));\nawait ray.get(joined.remote("/x/y"))');
    expect(reply.content.status, JSON.stringify(reply.content)).to.equal("ok");
    expect(resultText(messages)).to.equal("'a/y'");
  });

  it("runs tasks on workers that loaded no compiler (the kernel's own TypeScript stays in the executor)", async () => {
    const loaded = await session.value(
      "const heavy = ray.remote(() => Object.keys(require.cache).filter((f) => /typescript|@tslab|[\\/]tslab[\\/]/.test(f)));\nJSON.stringify(await ray.get(heavy.remote()))"
    );
    expect(loaded).to.equal("'[]'");
    // Nor in their heaps: a worker started from a heap snapshot holding TypeScript had its
    // 16 MB source as one string (and 35 MB of heap in all); a fresh worker has about 5.
    const heapMb = await session.value(
      'const heap = ray.remote(() => { const v8 = require("node:v8"); return Math.round(v8.getHeapStatistics().used_heap_size / 2 ** 20); });\nawait ray.get(heap.remote())'
    );
    expect(Number(heapMb)).to.be.within(1, 12);
  });

  it("prints a ref as ObjectRef(<56 hex>)", async () => {
    const { messages } = await run("f.remote(1)");
    expect(resultText(messages)).to.match(/^ObjectRef\([0-9a-f]{56}\)$/);
  });

  it("refuses a closure over a local variable with its name", async () => {
    const { reply } = await run("function make() { const local = 2; return ray.remote((n: number) => n + local); }\nmake().remote(1)");
    expect(reply.content.status).to.equal("error");
    expect(reply.content.evalue).to.match(/uses 'local'.*pass 'local' as an argument/s);
  });

  it("shows a task's error with the cell's line", async () => {
    const { reply } = await run('function failing(n: number) {\n  throw new TypeError("bad " + n);\n}\nconst g = ray.remote(failing);\nawait ray.get(g.remote(2))');
    expect(reply.content.ename).to.equal("RayTaskError(TypeError)");
    expect(reply.content.evalue).to.contain("ray::failing()");
    expect((reply.content.traceback as string[]).join("\n")).to.contain('throw new TypeError("bad " + n);');
  });

  it("ships classes extending, and static fields using, earlier cells' classes, and functions using them transitively", async () => {
    await run("class Base { f() { return 1; } }\nclass Counter { n = 3; }\nfunction useCounter() { return new Counter().n; }");
    await run("class Sub extends Base { f() { return 2; } }\nfunction twice() { return 2 * useCounter(); }\nclass Holder { static base = new Sub(); static n = useCounter() + 1; }");
    await run("class SubSub extends Sub { f() { return super.f() * 10; } }");
    const sub = await run("await ray.get(ray.remote(() => new Sub().f()).remote())");
    expect(sub.reply.content.status).to.equal("ok");
    expect(resultText(sub.messages)).to.equal("2");
    const all = await run("await ray.get(ray.remote(() => [new SubSub().f(), new SubSub() instanceof Base, twice(), Holder.n, Holder.base.f()]).remote())");
    expect(all.reply.content.status).to.equal("ok");
    expect(resultText(all.messages)).to.equal("[ 20, true, 6, 4, 2 ]");
  });

  it("survives an interrupt of a cell waiting in get, and stays usable", async () => {
    const waiting = run("const slow = ray.remote((s: number) => { time.sleep(s); return s; });\nawait ray.get(slow.remote(3))");
    await new Promise((resolve) => setTimeout(resolve, 800));
    await session.kernel.client.request("control", "interrupt_request", {});
    const { reply } = await waiting;
    expect(reply.content.status).to.equal("error");
    const after = await run("await ray.get(f.remote(2))");
    expect(resultText(after.messages)).to.equal("10");
  });
});
