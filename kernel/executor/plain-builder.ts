// tslab's converter drives TypeScript's watch program, whose default builder (the "emit
// and semantic diagnostics" one) keeps incremental-build bookkeeping: after every rebuild,
// two per cell, it creates a whole type checker only to record which file imports which.
// tslab uses none of that bookkeeping but one question, "which files does this cell
// depend on", and it rebuilds the program for every cell anyway. So tslab gets a
// TypeScript whose watch host builds plain programs instead: a cell costs one type
// checker, not three (about 8 ms less per cell, measured with the kernel benchmark).
import type * as TS from "typescript";

/** What tslab's converter calls on the builder, beyond TypeScript's public typings. */
interface TslabBuilder extends TS.BuilderProgram {
  getAllDependencies(sourceFile: TS.SourceFile): readonly string[];
}

/** TypeScript 5.0 internals used here (present in tslab's build, absent from the typings). */
interface Internals {
  bindSourceFile(file: TS.SourceFile, options: TS.CompilerOptions): void;
}
interface ResolvedModules {
  forEach(visit: (resolution: { resolvedModule?: { resolvedFileName: string } }) => void): void;
}

/** The .ts/.js files a file imports, transitively, itself included (tslab filters them). */
function dependenciesOf(program: TS.Program, root: TS.SourceFile): string[] {
  const found = new Set([root.fileName]);
  const pending = [root];
  for (let file = pending.pop(); file; file = pending.pop()) {
    const resolved = (file as unknown as { resolvedModules?: ResolvedModules }).resolvedModules;
    resolved?.forEach(({ resolvedModule }) => {
      const dependency = resolvedModule && program.getSourceFile(resolvedModule.resolvedFileName);
      if (dependency && !found.has(dependency.fileName)) {
        found.add(dependency.fileName);
        pending.push(dependency);
      }
    });
  }
  return [...found];
}

/** Lets the caller adjust each compiler host before a program is built with it. */
export type HostHook = (host: TS.CompilerHost) => void;

function plainBuilderFactory(ts: typeof TS, prepareHost?: HostHook): TS.CreateProgram<TS.BuilderProgram> {
  const internals = ts as unknown as Internals;
  return (rootNames, options, host, oldBuilder, configDiagnostics, references) => {
    if (host) prepareHost?.(host);
    const builder = ts.createAbstractBuilder(rootNames, options, host, oldBuilder, configDiagnostics, references);
    const program = builder.getProgram();
    // tslab reads the names a cell declares from its bound symbol table right after the
    // rebuild, before asking for diagnostics; the type checker would bind it later anyway.
    for (const name of rootNames ?? []) {
      const file = program.getSourceFile(name);
      if (file) internals.bindSourceFile(file, program.getCompilerOptions());
    }
    const tslabBuilder = builder as TslabBuilder;
    tslabBuilder.getAllDependencies = (file) => dependenciesOf(program, file);
    return tslabBuilder;
  };
}

/**
 * TypeScript as tslab's converter should see it: the same module, except that watch hosts
 * build plain programs (with `prepareHost` applied to their compiler hosts). (The module's exports are non-configurable getters, so this is a
 * view over it rather than a patch.)
 */
export function typeScriptForTslab(ts: typeof TS, prepareHost?: HostHook): typeof TS {
  const createProgram = plainBuilderFactory(ts, prepareHost);
  const createWatchCompilerHost = (...args: Parameters<typeof TS.createWatchCompilerHost>) => {
    const [rootFiles, options, system, , reportDiagnostic, reportWatchStatus] = args as unknown as Parameters<
      typeof TS.createWatchCompilerHost<TS.BuilderProgram>
    >;
    return ts.createWatchCompilerHost(rootFiles, options, system, createProgram, reportDiagnostic, reportWatchStatus);
  };
  return new Proxy(ts, {
    get: (target, key) => (key === "createWatchCompilerHost" ? createWatchCompilerHost : Reflect.get(target, key)),
  });
}
