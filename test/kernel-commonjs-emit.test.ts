// Cells are emitted as CommonJS in the converter's own emit, not converted a second time
// (kernel/compiler/commonjs-in-one-emit.ts).
import { expect } from "chai";
import type * as TS from "typescript";
import { CommonJsInOneEmit } from "../kernel/compiler/commonjs-in-one-emit";
import { tslabTypeScript } from "../kernel/compiler/tslab-modules";
import { cellExecutorForSuite, runCleanly } from "./support/cell-executor";

const CELL_FILE = "/virtual/cell.ts";

/** A builder over one in-memory cell, compiled as tslab compiles cells (ES modules). */
function builderFor(ts: typeof TS, source: string): TS.BuilderProgram {
  const options: TS.CompilerOptions = {
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2022,
    noImplicitUseStrict: true,
    noLib: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const cell = ts.createSourceFile(CELL_FILE, source, ts.ScriptTarget.ES2022, true);
  host.getSourceFile = (name) => (name === CELL_FILE ? cell : undefined);
  host.fileExists = (name) => name === CELL_FILE;
  host.writeFile = () => undefined;
  const program = ts.createProgram({ rootNames: [CELL_FILE], options, host });
  return ts.createAbstractBuilder(program, host);
}

/** Like tslab's "after" transformer: stores the cell's value in an exported constant. */
function exportingLastValue(ts: typeof TS): TS.TransformerFactory<TS.SourceFile> {
  return () => (file) => {
    const exported = [ts.factory.createModifier(ts.SyntaxKind.ExportKeyword)];
    const value = ts.factory.createVariableDeclaration("lastValue", undefined, undefined, ts.factory.createNumericLiteral(42));
    const statement = ts.factory.createVariableStatement(exported, ts.factory.createVariableDeclarationList([value], ts.NodeFlags.Const));
    return ts.factory.updateSourceFile(file, [...file.statements, statement]);
  };
}

function emitJavaScript(builder: TS.BuilderProgram, transformers?: TS.CustomTransformers): string {
  let javascript = "";
  builder.emit(undefined, (name, text) => name.endsWith(".js") && (javascript = text), undefined, false, transformers);
  return javascript;
}

describe("kernel: cells are emitted as CommonJS in one pass", function () {
  const ts = tslabTypeScript();
  const toCommonJs = { compilerOptions: { module: ts.ModuleKind.CommonJS } };

  it("emits CommonJS after the caller's own transformers, which transpileModule then returns as it is", () => {
    const oneEmit = new CommonJsInOneEmit(ts);
    const builder = builderFor(ts, "export enum Side { Left, Right }\nexport let count = 1;\ncount += 1;\n");
    oneEmit.convertEmitsOf(builder);
    const javascript = emitJavaScript(builder, { after: [exportingLastValue(ts)] });
    expect(javascript).to.match(/^Object\.defineProperty\(exports, "__esModule"/);
    expect(javascript).to.include("exports.count += 1");
    expect(javascript).to.include("exports.lastValue = 42");
    expect(javascript).not.to.match(/^export /m);
    expect(oneEmit.transpileModule(javascript, toCommonJs).outputText).to.equal(javascript);
  });

  it("still converts modules it did not emit", () => {
    const oneEmit = new CommonJsInOneEmit(ts);
    expect(oneEmit.transpileModule("export const x = 1;\n", toCommonJs).outputText).to.include("exports.x = 1");
  });

  describe("cells that TypeScript rewrites most, run across cells", function () {
    const executor = cellExecutorForSuite();
    const run = (code: string) => runCleanly(executor(), code);

    it("keeps enums, decorated classes and reassigned variables for later cells", async () => {
      const namespaced = await run("enum Dir { Up = 1, Down }\nconst enum Fast { A = 5, B }\nnamespace Geo { export const origin = { x: 1 }; }\nGeo.origin.x");
      expect(namespaced.value).to.equal(1);
      await run("function tagged<T extends new (...args: any[]) => {}>(base: T) { return class extends base { tag = 'tagged'; }; }\n@tagged class Decorated {}");
      await run("let total = 1;\ntotal += Dir.Down + Fast.B;");
      const later = await run("(new Decorated() as any).tag + ':' + total");
      expect(later.value).to.equal("tagged:9");
      expect(later.javascript).to.include("exports.tsLastExpr =");
      expect(later.javascript).not.to.match(/^export /m);
    });

    it("runs top-level await and imports of Node's modules", async () => {
      const result = await run('import { join } from "node:path";\nconst parts = await Promise.resolve(["a", "b"]);\njoin(...parts)');
      expect(result.value).to.equal("a/b");
    });
  });
});
