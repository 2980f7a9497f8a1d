// The next cell's declarations file is parsed while the kernel waits for that cell
// (kernel/compiler/declarations-ahead.ts).
import { expect } from "chai";
import type * as TS from "typescript";
import { DeclarationsAhead } from "../kernel/compiler/declarations-ahead";
import { earlierCellsFileText, tslabTypeScript } from "../kernel/compiler/tslab-modules";
import { cellExecutorForSuite } from "./support/cell-executor";

const EARLIER = "/notebook/__prev__.d.ts";

describe("kernel: the next cell's declarations, prepared ahead", function () {
  const ts = tslabTypeScript();

  /** A compiler host over files in memory, which says which files it was asked to parse. */
  function memoryHost(files: Map<string, string>, parsed: string[]): TS.CompilerHost {
    const host = ts.createCompilerHost({});
    host.readFile = (name) => files.get(name);
    host.getSourceFile = (name, request) => {
      parsed.push(name);
      const text = files.get(name);
      return text === undefined ? undefined : ts.createSourceFile(name, text, request);
    };
    return host;
  }

  it("answers with the prepared file while the file's text is the one prepared", () => {
    const files = new Map([[EARLIER, earlierCellsFileText("", ts.sys.newLine)], ["/notebook/cell.ts", "1"]]);
    const parsed: string[] = [];
    const host = memoryHost(files, parsed);
    const ahead = new DeclarationsAhead(ts);
    ahead.serveFrom(host, {});
    host.getSourceFile(EARLIER, ts.ScriptTarget.ES2022);

    ahead.prepare("declare const total: number;\n");
    files.set(EARLIER, earlierCellsFileText("declare const total: number;\n", ts.sys.newLine));
    const prepared = host.getSourceFile(EARLIER, ts.ScriptTarget.ES2022);
    expect(prepared?.text).to.equal(files.get(EARLIER));
    expect((prepared as unknown as { locals?: Map<string, unknown> }).locals?.has("total")).to.equal(true);
    expect(host.getSourceFile(EARLIER, ts.ScriptTarget.ES2022)).to.equal(prepared);
    host.getSourceFile("/notebook/cell.ts", ts.ScriptTarget.ES2022);
    expect(parsed).to.deep.equal([EARLIER, "/notebook/cell.ts"]);

    files.set(EARLIER, earlierCellsFileText("declare const other: string;\n", ts.sys.newLine));
    expect(host.getSourceFile(EARLIER, ts.ScriptTarget.ES2022)?.text).to.include("other");
    expect(parsed).to.deep.equal([EARLIER, "/notebook/cell.ts", EARLIER]);
  });

  describe("in the executor", function () {
    const executor = cellExecutorForSuite();
    const run = async (code: string) => {
      const result = await executor().execute(code, "cell.js");
      executor().prepareNextCell();
      return result;
    };

    it("runs cells on prepared declarations, and on the earlier ones after a cell fails", async () => {
      expect((await run("const first = 20;")).ok).to.equal(true);
      expect((await run("const second: number = first + 1;")).ok).to.equal(true);
      expect((await run("const broken: string = second;")).diagnostics).to.have.length(1);
      const last = await run("first + second");
      expect(last.diagnostics).to.deep.equal([]);
      expect(last.value).to.equal(41);
    });
  });
});
