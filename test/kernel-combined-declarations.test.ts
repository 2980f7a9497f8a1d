// Once started, the executor gives programs TypeScript's lib and @types/node's global
// scripts as one file each (kernel/compiler/combined-declarations.ts): cells must check
// the same against them as against the separate files, with far fewer files in each program.
// Until then it reads them without their doc comments (declarations-without-docs.ts).
import { expect } from "chai";
import { dirname, join } from "node:path";
import type * as TS from "typescript";
import { tslabTypeScript } from "../kernel/compiler/tslab-modules";
import { CombinedFiles, CombinedGroup, combineDeclarations } from "../kernel/compiler/combined-declarations";
import { DeclarationsCombinedAtRest } from "../kernel/compiler/declarations-combined-at-rest";
import { DeclarationsWithoutDocs, withoutDocComments } from "../kernel/compiler/declarations-without-docs";

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
  before(() => (groups = combineDeclarations(ts, ts.createProgram([CELL], options, hostFor(cell)))));

  it("groups the lib's files and @types/node's global scripts", () => {
    const memberNames = groups.map((group) => group.members);
    expect(memberNames).to.have.length(2);
    expect(memberNames[0]).to.include(join(dirname(ts.getDefaultLibFilePath(options)), "lib.es5.d.ts"));
    expect(memberNames[1].every((name) => name.includes("/@types/node/"))).to.equal(true);
    expect(memberNames[1].length).to.be.greaterThan(20);
  });

  it("checks cells as the separate files do, in a program of far fewer files", () => {
    const combined = new CombinedFiles(ts, groups);
    const serve = (fileName: string, request: TS.ScriptTarget | TS.CreateSourceFileOptions) => combined.fileFor(fileName, request);
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

  it("gives the combined text to the group's entry, empty files to the other members, nothing when parsed otherwise", () => {
    const [lib, node] = groups;
    expect(lib.file.fileName).to.match(/lib\.es2022\.d\.ts$/);
    expect(node.file.fileName).to.match(/@types\/node\/(ts[\d.]+\/)?index\.d\.ts$/);
    const [entry, other] = [lib.file.fileName, lib.members[0]];
    const combined = new CombinedFiles(ts, groups);
    expect(combined.fileFor(other, ts.ScriptTarget.ES2022)?.text, "asked first, still empty").to.equal("");
    expect(combined.fileFor(entry, ts.ScriptTarget.ES2022)).to.equal(lib.file);
    expect(combined.fileFor(entry, ts.ScriptTarget.ES2022)).to.equal(lib.file);
    expect(combined.fileFor(CELL, ts.ScriptTarget.ES2022)).to.equal(undefined);
    const otherTarget = new CombinedFiles(ts, groups);
    expect(otherTarget.fileFor(other, ts.ScriptTarget.ES2015)).to.equal(undefined);
    expect(otherTarget.fileFor(entry, ts.ScriptTarget.ES2022)).to.equal(undefined);
  });

  it("combines, at rest, the files of the newest program built, and serves them to the hosts of later ones", () => {
    const atRest = new DeclarationsCombinedAtRest(ts);
    cell.text = CELLS[1];
    const host = hostFor(cell);
    atRest.serveFrom(host, options);
    const first = ts.createProgram([CELL], options, host);
    atRest.programBuilt(first);
    expect(ts.createProgram([CELL], options, host).getSourceFiles().length, "not combined before it is asked").to.equal(first.getSourceFiles().length);
    atRest.combine();
    const later = ts.createProgram([CELL], options, host);
    expect(later.getSourceFiles().length).to.be.lessThan(first.getSourceFiles().length - 100);
    expect(verdict(later)).to.deep.equal(verdict(first));
    expect(verdict(later)).to.have.length(1); // the cell's type error
  });
});

describe("kernel: the declaration files without their doc comments while the executor starts", function () {
  const FLOOR_DOC = "Returns the greatest integer less than or equal to its numeric argument.";
  const libEntry = (program: TS.Program) => program.getSourceFiles().find((file) => /lib\.es5\.d\.ts$|lib\.es2022\.d\.ts$/.test(file.fileName) && file.text.includes("floor("))!;

  it("drops the doc comments that start a line, keeping every line, the references and the code", () => {
    const text = '/// <reference lib="es2020" />\n/**\n * Adds.\n * @param a one\n */\nadd(a: number): number; /** kept */\n  /** one line */ sub(): void;\nconst s = "/**";\n';
    const stripped = withoutDocComments(text);
    expect(stripped).to.equal('/// <reference lib="es2020" />\n\n\n\n\nadd(a: number): number; /** kept */\n sub(): void;\nconst s = "/**";\n');
    expect(stripped.split("\n")).to.have.length(text.split("\n").length);
  });

  it("serves them without docs until stopped, checking cells the same, and combines them with their docs", () => {
    const withoutDocs = new DeclarationsWithoutDocs(ts);
    const atRest = new DeclarationsCombinedAtRest(ts);
    const cell = { text: "export {};" };
    const [plainHost, host] = [hostFor(cell), hostFor(cell)];
    atRest.serveFrom(host, options);
    withoutDocs.serveFrom(host, options);
    let plain: TS.Program | undefined;
    let lean: TS.Program | undefined;
    for (const text of CELLS) {
      cell.text = text;
      plain = ts.createProgram({ rootNames: [CELL], options, host: plainHost, oldProgram: plain });
      lean = ts.createProgram({ rootNames: [CELL], options, host, oldProgram: lean });
      expect(verdict(lean), text).to.deep.equal(verdict(plain));
    }
    expect(libEntry(plain!).text).to.contain(FLOOR_DOC);
    expect(libEntry(lean!).text).not.to.contain(FLOOR_DOC);
    expect(lean!.getSourceFiles().filter((file) => file.text.includes("/**")).length, "files with a doc comment left").to.be.lessThan(10);
    atRest.programBuilt(lean!);
    expect(withoutDocs.stop(), "it had served some").to.equal(true);
    atRest.combine();
    const later = ts.createProgram([CELL], options, host);
    expect(libEntry(later).text, "the combined lib, from the files on disk").to.contain(FLOOR_DOC);
    expect(verdict(later)).to.deep.equal(verdict(plain!));
    expect(withoutDocs.stop(), "nothing served after stop").to.equal(false);
  });
});
