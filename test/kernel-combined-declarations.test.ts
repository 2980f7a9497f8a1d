// The startup snapshot holds TypeScript's lib and @types/node's global scripts as one file
// each (kernel/compiler/startup-snapshot/combined-declarations.ts): cells must check the
// same against them as against the separate files, with far fewer files in each program.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type * as TS from "typescript";
import { tslabTypeScript } from "../kernel/compiler/tslab-modules";
import { CombinedFiles, CombinedGroup, combineDeclarations, isGroupCurrent } from "../kernel/compiler/startup-snapshot/combined-declarations";

const ts = tslabTypeScript();
const CELL = join(process.cwd(), "__cell__.ts");
const options: TS.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  esModuleInterop: true,
  skipLibCheck: true,
  declaration: true,
  typeRoots: [dirname(dirname(require.resolve("@types/node/package.json")))],
  types: ["node"],
};

const CELLS = [
  'const lengths: number[] = ["a"].map(String);',
  'import { readFileSync } from "node:fs";\nconst size: number = readFileSync("x", "utf8");\nexport {};',
  'Buffer.from("x").toString("base64");\nprocess.env.HOME?.length;\nnew URL("http://a").host;\nstructuredClone({ a: 1 });',
  'const answer: Promise<Response> = fetch("http://example.invalid");\nAbortSignal.timeout(1);',
  '/// <reference lib="es2020" />\nconst big = 10n ** 3n;\nPromise.allSettled([]);\n"abc".at(-1);',
  "[1, 2].findLast((x) => x > 1);\nObject.hasOwn({}, \"a\");",
  "let total: string = [1, 2, 3].reduce((sum, n) => sum + n, 0);",
];

/** A host that reads the cell from memory and, if given, serves declaration files instead of the disk. */
function hostFor(cell: { text: string }, serve?: (fileName: string, request: TS.ScriptTarget | TS.CreateSourceFileOptions) => TS.SourceFile | undefined) {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  const cached = new Map<string, TS.SourceFile | undefined>();
  host.getSourceFile = (fileName, request, ...rest) => {
    if (fileName === CELL) return ts.createSourceFile(fileName, cell.text, request);
    const served = serve?.(fileName, request);
    if (served) return served;
    if (!cached.has(fileName)) cached.set(fileName, getSourceFile(fileName, request, ...rest));
    return cached.get(fileName);
  };
  return host;
}

/** What a program says about the cell: its diagnostics and the program's global ones. */
function verdict(program: TS.Program): string[] {
  const messages = (diagnostics: readonly TS.Diagnostic[]) =>
    diagnostics.map((d) => `${d.file?.fileName === CELL ? `cell@${d.start}` : d.file?.fileName ?? "global"}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
  return [...messages(program.getGlobalDiagnostics()), ...messages(ts.getPreEmitDiagnostics(program, program.getSourceFile(CELL)))];
}

describe("kernel: the lib and Node's global scripts combined into one file each", function () {
  const cell = { text: "export {};" };
  let groups: CombinedGroup[];
  let declarations: Map<string, TS.SourceFile>;
  before(() => ({ declarations, groups } = combineDeclarations(ts, ts.createProgram([CELL], options, hostFor(cell)))));

  it("groups the lib's files and @types/node's global scripts, and finds them current", () => {
    const memberNames = groups.map((group) => group.members.map((member) => member.fileName));
    expect(memberNames).to.have.length(2);
    expect(memberNames[0]).to.include(join(dirname(ts.getDefaultLibFilePath(options)), "lib.es5.d.ts"));
    expect(memberNames[1].every((name) => name.includes("/@types/node/"))).to.equal(true);
    expect(memberNames[1].length).to.be.greaterThan(20);
    const read = (fileName: string) => readFileSync(fileName, "utf8");
    expect(groups.map((group) => isGroupCurrent(group, read))).to.deep.equal([true, true]);
    const edited = (fileName: string) => (fileName.endsWith("/lib.es5.d.ts") ? `${read(fileName)}\n// edited` : read(fileName));
    expect(isGroupCurrent(groups[0], edited)).to.equal(false);
  });

  it("checks cells as the separate files do, in a program of far fewer files", () => {
    const combined = new CombinedFiles(ts, groups, () => true);
    const serve = (fileName: string, request: TS.ScriptTarget | TS.CreateSourceFileOptions) => declarations.get(fileName) ?? combined.fileFor(fileName, request);
    let separate: TS.Program | undefined;
    let together: TS.Program | undefined;
    const [plainHost, combinedHost] = [hostFor(cell), hostFor(cell, serve)];
    for (const text of CELLS) {
      cell.text = text;
      separate = ts.createProgram({ rootNames: [CELL], options, host: plainHost, oldProgram: separate });
      together = ts.createProgram({ rootNames: [CELL], options, host: combinedHost, oldProgram: together });
      expect(verdict(together), text).to.deep.equal(verdict(separate));
    }
    expect(verdict(separate!), "the last cell's type error").to.have.length(1);
    expect(together!.getSourceFiles().length).to.be.lessThan(separate!.getSourceFiles().length - 100);
  });

  it("gives the combined text to the first member asked for, empty files to the others, or nothing when out of date", () => {
    const [lib] = groups;
    const [first, second] = [lib.members[3].fileName, lib.members[0].fileName];
    const combined = new CombinedFiles(ts, groups, () => true);
    expect(combined.fileFor(first, ts.ScriptTarget.ES2022)).to.equal(lib.file);
    expect(combined.fileFor(second, ts.ScriptTarget.ES2022)?.text).to.equal("");
    expect(combined.fileFor(first, ts.ScriptTarget.ES2022)).to.equal(lib.file);
    expect(combined.fileFor(CELL, ts.ScriptTarget.ES2022)).to.equal(undefined);
    const stale = new CombinedFiles(ts, groups, () => false);
    expect(stale.fileFor(first, ts.ScriptTarget.ES2022)).to.equal(undefined);
    expect(stale.fileFor(second, ts.ScriptTarget.ES2022)).to.equal(undefined);
  });
});
