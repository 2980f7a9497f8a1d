// At the end of a cell, tslab prints the earlier cells' declarations it keeps; the printer
// it gets copies those it kept whole (kernel/compiler/earlier-declarations-printer.ts).
import { expect } from "chai";
import type * as TS from "typescript";
import { printerCopyingEarlierDeclarations } from "../kernel/compiler/earlier-declarations-printer";
import { tslabTypeScript } from "../kernel/compiler/tslab-modules";

const TEXT = `export {};
/** The total so far. */
declare const total: number, label: string;
declare function grow(by: number): void;
interface Point { x: number }
`;

describe("kernel: printing the earlier cells' declarations", function () {
  const ts = tslabTypeScript();
  const createPrinter = printerCopyingEarlierDeclarations(ts);

  /** What tslab does before printing: drops what the new cell replaced (here `label`, and the `export {}`). */
  function keptByTslab(fileName: string): TS.SourceFile {
    const file = ts.createSourceFile(fileName, TEXT, ts.ScriptTarget.ES2022, true);
    const [, variables, ...rest] = file.statements;
    const list = (variables as TS.VariableStatement).declarationList as { declarations: TS.NodeArray<TS.VariableDeclaration> };
    list.declarations = ts.factory.createNodeArray([list.declarations[0]]);
    (file as { statements: TS.NodeArray<TS.Statement> }).statements = ts.factory.createNodeArray([variables, ...rest]);
    return file;
  }

  it("copies the declarations kept whole and prints the ones cut down", () => {
    const printed = createPrinter({ newLine: ts.NewLineKind.LineFeed }).printFile(keptByTslab("/notebook/__prev__.d.ts"));
    expect(printed).to.equal(
      "/** The total so far. */\ndeclare const total: number;\ndeclare function grow(by: number): void;\ninterface Point { x: number }\n"
    );
  });

  it("prints every other file as TypeScript's printer does", () => {
    const file = keptByTslab("/notebook/other.d.ts");
    const expected = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed }).printFile(file);
    expect(createPrinter({ newLine: ts.NewLineKind.LineFeed }).printFile(file)).to.equal(expected);
    expect(expected).to.include("interface Point {\n    x: number;\n}");
  });
});
