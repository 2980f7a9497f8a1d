// Runs inside `node --build-snapshot` (see make.ts), where only Node's built-in modules
// can be required. It loads tslab's TypeScript, parses and binds the declaration files
// every cell is checked against (TypeScript's lib, the @types, the preloaded names; the lib
// and each package's global scripts combined into one file, see combined-declarations.ts), runs
// the compiler once over a sample cell so that its code is compiled too, and leaves all
// of it in the heap that V8 saves. An executor started from the snapshot finds it there
// (declarations.ts) instead of spending a second parsing 3 MB of declarations.
//
// The snapshot builder runs this as a plain script with `require` (no `exports`): so it
// has no import or export statements, and keeps its names inside a block.
{
  type TS = typeof import("typescript");
  type CompilerOptions = import("typescript").CompilerOptions;
  type CompilerHost = import("typescript").CompilerHost;
  type SnapshotPlan = import("./plan").SnapshotPlan;
  type StartupSnapshot = import("./plan").StartupSnapshot;
  type Combiner = typeof import("./combined-declarations");
  const { readFileSync } = require("node:fs") as typeof import("node:fs");
  const Module = require("node:module") as typeof import("node:module");
  const { dirname, resolve } = require("node:path") as typeof import("node:path");
  const vm = require("node:vm") as typeof import("node:vm");
  const v8 = require("node:v8") as typeof import("node:v8");

  /** Loads a CommonJS file that requires only Node's modules (TypeScript, the combiner). */
  function loadModule<T>(file: string): T {
    const wrapped = new vm.Script(Module.wrap(readFileSync(file, "utf8")), { filename: file }).runInThisContext();
    const module = { exports: {} as T };
    wrapped.call(module.exports, module.exports, require, module, file, dirname(file));
    return module.exports;
  }

  /** A compiler host that also knows a few files that exist only in memory. */
  function hostWith(ts: TS, options: CompilerOptions, virtual: Map<string, string>): CompilerHost {
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile;
    const fileExists = host.fileExists;
    host.readFile = (file) => virtual.get(file) ?? readFile(file);
    host.fileExists = (file) => virtual.has(file) || fileExists(file);
    return host;
  }

  const SAMPLE_CELL = `export {};
import { readFileSync } from "fs";
class Box<T> { constructor(public value: T) {} get doubled(): T[] { return [this.value, this.value]; } }
const boxes = [1, 2, 3].map((n) => new Box(n));
async function later(n: number): Promise<string> { return String(await Promise.resolve(n)); }
let text: string = "a" + later(1) + typeof readFileSync;
export const tsLastExpr = boxes.reduce((sum, box) => sum + box.doubled.length, 0);
export { Box, boxes, later, text };
`;

  function build(plan: SnapshotPlan): StartupSnapshot {
    const ts = loadModule<TS>(plan.typescriptFile);
    const { combineDeclarations, CombinedFiles } = loadModule<Combiner>(plan.combinerFile);
    const options: CompilerOptions = plan.compilerOptions;
    const preloadCell = `${plan.folder}/__preload__.ts`;
    const sampleCell = `${plan.folder}/__sample__.ts`;
    const host = hostWith(ts, options, new Map([[preloadCell, plan.preloadCell], [sampleCell, SAMPLE_CELL]]));
    const { declarations, groups } = combineDeclarations(ts, ts.createProgram([preloadCell], options, host));
    // Warm-up over the files as executors will get them: the checker, the emitters and the
    // transpiler get compiled now, not per kernel, and every declaration file gets bound
    // (binding is kept on the file).
    const combined = new CombinedFiles(ts, groups, () => true);
    const getSourceFile = host.getSourceFile;
    host.getSourceFile = (file, request, ...rest) =>
      declarations.get(file) ?? combined.fileFor(file, request) ?? getSourceFile(file, request, ...rest);
    for (let round = 0; round < 3; round++) {
      const warm = ts.createProgram([preloadCell, sampleCell], options, host);
      ts.getPreEmitDiagnostics(warm);
      warm.emit(warm.getSourceFile(sampleCell), () => undefined);
      ts.transpileModule(SAMPLE_CELL, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: options.target } });
    }
    return { typescript: ts, typescriptFile: plan.typescriptFile, declarations, groups };
  }

  const plan = JSON.parse(readFileSync(process.argv[2], "utf8")) as SnapshotPlan;
  const snapshot = build(plan);
  (globalThis as Record<string, unknown>)[plan.global] = snapshot;
  // The builder removes Error.stackTraceLimit, and Node puts its default back when the
  // snapshot starts, unless the property exists then: TypeScript's file system calls save
  // and restore it (as undefined, which leaves every error without a stack).
  delete (Error as { stackTraceLimit?: number }).stackTraceLimit;
  // Started from the snapshot, the process runs the script named on its command line.
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    // TypeScript memoized the working directory of the build.
    snapshot.typescript.sys.getCurrentDirectory = () => process.cwd();
    const main = resolve(process.argv[1]);
    Module.createRequire(main)(main);
  });
}
