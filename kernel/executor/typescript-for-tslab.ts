// The TypeScript that tslab's converter sees: tslab's own, with two changes to the watch
// program the converter drives.
//
// Plain programs. The watch program's default builder (the "emit
// and semantic diagnostics" one) keeps incremental-build bookkeeping: after every rebuild,
// two per cell, it creates a whole type checker only to record which file imports which.
// tslab uses none of that bookkeeping but one question, "which files does this cell
// depend on", and it rebuilds the program for every cell anyway. So tslab gets a
// TypeScript whose watch host builds plain programs instead: a cell costs one type
// checker, not three (about 8 ms less per cell, measured with the kernel benchmark).
//
// Node's types. Where a notebook's folder has no @types of its own, cells are checked
// against tsray's @types/node (the Node that runs them), not tslab's older copy.
import { dirname, join } from "node:path";
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
    // (The other root, the previous cells' declarations, it does not read.)
    for (const name of rootNames ?? []) {
      const file = program.getSourceFile(name);
      if (file && !file.isDeclarationFile) internals.bindSourceFile(file, program.getCompilerOptions());
    }
    const tslabBuilder = builder as TslabBuilder;
    tslabBuilder.getAllDependencies = (file) => dependenciesOf(program, file);
    return tslabBuilder;
  };
}

/**
 * Where cells find Node's types when the notebook's folder has none: tslab falls back to
 * its own @types (Node 18's); tsray's @types/node (Node 20's, which the startup snapshot
 * holds) match the Node running the cells. Only Node's: tsray's other @types are its own
 * business (its tests'), not the cells'.
 */
function withTsrayTypesAsFallback(options: TS.CompilerOptions): TS.CompilerOptions {
  const tslabTypes = join(dirname(require.resolve("tslab/package.json")), "node_modules", "@types");
  if (!options.typeRoots?.includes(tslabTypes)) return options;
  const tsrayTypes = dirname(dirname(require.resolve("@types/node/package.json")));
  const typeRoots = options.typeRoots.map((root) => (root === tslabTypes ? tsrayTypes : root));
  return { ...options, typeRoots, types: ["node"] };
}

/**
 * TypeScript as tslab's converter should see it: the same module, except that watch hosts
 * build plain programs (with `prepareHost` applied to their compiler hosts) and fall back
 * to tsray's Node types. The module's exports are non-configurable getters, so this is a
 * view over it rather than a patch.
 */
export function typeScriptForTslab(ts: typeof TS, prepareHost?: HostHook): typeof TS {
  const createProgram = plainBuilderFactory(ts, prepareHost);
  const createWatchCompilerHost = (...args: Parameters<typeof TS.createWatchCompilerHost>) => {
    const [rootFiles, options, system, , reportDiagnostic, reportWatchStatus] = args as unknown as Parameters<
      typeof TS.createWatchCompilerHost<TS.BuilderProgram>
    >;
    const tsrayOptions = withTsrayTypesAsFallback(options);
    return ts.createWatchCompilerHost(rootFiles, tsrayOptions, system, createProgram, reportDiagnostic, reportWatchStatus);
  };
  return new Proxy(ts, {
    get: (target, key) => (key === "createWatchCompilerHost" ? createWatchCompilerHost : Reflect.get(target, key)),
  });
}
