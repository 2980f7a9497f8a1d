// Each cell's script tells the runtime its name and source as it starts, so that the
// runtime locates a function of a cell (to ship it) without the debugger, whose enabling
// reports every loaded script (kernel/executor/announced-scripts.ts).
import { expect } from "chai";
import { Session } from "node:inspector";
import { cellExecutorForSuite } from "./support/cell-executor";
import { FunctionOrigin, locateFunction } from "../runtime/shipping/locate";

type Post = (method: string, ...rest: unknown[]) => void;

/** The inspector methods posted while `body` runs. */
function inspectorMethodsPosted(body: () => void): string[] {
  const prototype = Session.prototype as unknown as { post: Post };
  const post = prototype.post;
  const posted: string[] = [];
  prototype.post = function (this: Session, method: string, ...rest: unknown[]) {
    posted.push(method);
    return post.call(this, method, ...rest);
  };
  try {
    body();
  } finally {
    prototype.post = post;
  }
  return posted;
}

describe("kernel: cells announce their scripts to the runtime", function () {
  const executor = cellExecutorForSuite();

  it("locates functions of two identical cells in their own cells, without the debugger", async () => {
    const code = 'const offset = 1;\nfunction shifted(x: number) {\n  return x + offset;\n}\nshifted';
    const runs = [await executor().execute(code, "__cell7__.js"), await executor().execute(code, "__cell8__.js")];
    const origins: (FunctionOrigin | undefined)[] = [];
    const posted = inspectorMethodsPosted(() => origins.push(...runs.map((run) => locateFunction(run.value as Function))));
    expect(origins.map((origin) => origin?.script.url)).to.deep.equal(["__cell7__.js", "__cell8__.js"]);
    for (const origin of origins) {
      const lines = origin!.script.source.split("\n");
      expect(lines[origin!.line].slice(origin!.column)).to.match(/^function shifted\(x\) \{/);
    }
    expect(posted, "V8 was asked where the functions are").to.include("Runtime.getProperties");
    expect(posted.filter((method) => method.startsWith("Debugger."))).to.deep.equal([]);
  });
});
