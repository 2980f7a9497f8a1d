// The TypeScript that tslab's converter sees: tslab's own, with three changes to the watch
// program the converter drives, and two to its emits: cells come out as CommonJS in one
// pass (commonjs-in-one-emit.ts), and shorthand properties reach earlier cells' variables
// (earlier-names-in-shorthand.ts). Its printer copies the earlier cells' declarations it
// can instead of printing them again (earlier-declarations-printer.ts).
//
// Plain programs. The watch program's default builder (the "emit and semantic
// diagnostics" one) keeps incremental-build bookkeeping: after every rebuild, two per
// cell, it creates a whole type checker only to record which file imports which. tslab
// uses none of that bookkeeping but one question, "which files does this cell depend on",
// and it rebuilds the program for every cell anyway. So the watch host builds plain
// programs instead: a cell costs one type checker, not three (about 8 ms less per cell,
// measured with the kernel benchmark).
//
// One program per cell, not two: see CellConversions (about 1 ms less).
//
// Node's types. Where a notebook's folder has no @types of its own, cells are checked
// against tsray's @types/node (the Node that runs them), not tslab's older copy.
import { dirname, join } from "node:path";
import type * as TS from "typescript";
import { CommonJsInOneEmit } from "./commonjs-in-one-emit";
import { expandShorthandOfEarlierNames } from "./earlier-names-in-shorthand";
import { printerCopyingEarlierDeclarations } from "./earlier-declarations-printer";
import { internalsOf, sourceFileInternalsOf } from "./typescript-internals";

/** What tslab's converter calls on the builder, beyond TypeScript's public typings. */
interface TslabBuilder extends TS.BuilderProgram {
  getAllDependencies(sourceFile: TS.SourceFile): readonly string[];
}

/** The .ts/.js files a file imports, transitively, itself included (tslab filters them). */
function dependenciesOf(program: TS.Program, root: TS.SourceFile): string[] {
  const found = new Set([root.fileName]);
  const pending = [root];
  for (let file = pending.pop(); file; file = pending.pop()) {
    const resolved = sourceFileInternalsOf(file).resolvedModules;
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
export type HostHook = (host: TS.CompilerHost, options: TS.CompilerOptions) => void;

/** What the caller is told of, and may change in, the programs built for cells. */
export interface ProgramHooks {
  prepareHost: HostHook;
  programBuilt(program: TS.Program): void;
}

/**
 * Converting a cell, tslab rebuilds twice: first only to read the names the cell declares
 * (from its bound symbol table), then with an `export { ...those names }` appended, for
 * checking and emitting. Told that a conversion begins, the first rebuild makes no program:
 * it parses and binds the cell alone and answers with it, over the previous program. (When
 * the cell declares nothing, tslab does not rebuild again, so that first one is a real one.)
 */
export class CellConversions {
  private firstRebuild = false;

  /** Runs tslab's `convert`: its first rebuild is the names-only one. */
  during<T>(convert: () => T): T {
    this.firstRebuild = true;
    try {
      return convert();
    } finally {
      this.firstRebuild = false;
    }
  }

  /** Whether this rebuild is a conversion's first (asked once per rebuild). */
  takeFirstRebuild(): boolean {
    const first = this.firstRebuild;
    this.firstRebuild = false;
    return first;
  }
}

/** Builders that answer with a cell parsed alone, over the real builder they stand for. */
const namesOnly = new WeakMap<TS.BuilderProgram, TS.BuilderProgram>();

/**
 * The cell as tslab reads its names: tslab writes the keys of the symbol table into its
 * `export { ... }` as they are, but TypeScript keys a name that starts with two
 * underscores with one more (`__a` is `___a`), which then names nothing. This view keys
 * them as written; only tslab's names-reading looks at it.
 */
function withNamesAsWritten(ts: typeof TS, cell: TS.SourceFile, locals: TS.SymbolTable): TS.SourceFile {
  const asWritten = new Map([...locals].map(([key, symbol]) => [ts.unescapeLeadingUnderscores(key), symbol]));
  return Object.create(cell, { locals: { value: asWritten } }) as TS.SourceFile;
}

function namesOnlyBuilder(
  ts: typeof TS,
  previous: TS.BuilderProgram,
  cellName: string,
  options: TS.CompilerOptions,
  host: TS.CompilerHost
): TS.BuilderProgram | undefined {
  const cell = host.getSourceFile(cellName, options.target ?? 1);
  if (!cell) return undefined;
  internalsOf(ts).bindSourceFile(cell, options);
  const locals = sourceFileInternalsOf(cell).locals;
  if (!locals?.size) return undefined;
  const namesView = withNamesAsWritten(ts, cell, locals);
  const builder = Object.create(previous) as TS.BuilderProgram;
  builder.getSourceFile = (name) => (name === cell.fileName ? namesView : previous.getSourceFile(name));
  namesOnly.set(builder, previous);
  return builder;
}

function plainBuilderFactory(
  ts: typeof TS,
  conversions: CellConversions,
  commonJs: CommonJsInOneEmit,
  hooks: ProgramHooks
): TS.CreateProgram<TS.BuilderProgram> {
  const internals = internalsOf(ts);
  return (rootNames, options, host, oldBuilder, configDiagnostics, references) => {
    if (host && options) hooks.prepareHost(host, options);
    const previous = oldBuilder && (namesOnly.get(oldBuilder) ?? oldBuilder);
    const cellName = rootNames?.find((name) => !name.endsWith(".d.ts"));
    if (conversions.takeFirstRebuild() && previous && cellName && options && host) {
      const builder = namesOnlyBuilder(ts, previous, cellName, options, host);
      if (builder) return builder;
    }
    const builder = ts.createAbstractBuilder(rootNames, options, host, previous, configDiagnostics, references);
    const program = builder.getProgram();
    hooks.programBuilt(program);
    // tslab reads the names a cell declares from its bound symbol table right after the
    // rebuild, before asking for diagnostics; the type checker would bind it later anyway.
    const cell = cellName && program.getSourceFile(cellName);
    if (cell) internals.bindSourceFile(cell, program.getCompilerOptions());
    const tslabBuilder = builder as TslabBuilder;
    tslabBuilder.getAllDependencies = (file) => dependenciesOf(program, file);
    commonJs.convertEmitsOf(tslabBuilder);
    expandShorthandOfEarlierNames(ts, tslabBuilder);
    return tslabBuilder;
  };
}

/**
 * Where cells find Node's types when the notebook's folder has none: tslab falls back to
 * its own @types (Node 18's); tsray's @types/node (Node 20's) match the Node running
 * the cells. Only Node's: tsray's other @types are its own
 * business (its tests'), not the cells'.
 */
export function withTsrayTypesAsFallback(options: TS.CompilerOptions): TS.CompilerOptions {
  const tslabTypes = join(dirname(require.resolve("tslab/package.json")), "node_modules", "@types");
  if (!options.typeRoots?.includes(tslabTypes)) return options;
  const tsrayTypes = dirname(dirname(require.resolve("@types/node/package.json")));
  const typeRoots = options.typeRoots.map((root) => (root === tslabTypes ? tsrayTypes : root));
  return { ...options, typeRoots, types: ["node"] };
}

/**
 * TypeScript as tslab's converter should see it: the same module, except that watch hosts
 * build plain programs (with `hooks` applied: see ProgramHooks) that emit
 * CommonJS, and fall back to tsray's Node types. The module's exports are non-configurable
 * getters, so this is a view over it rather than a patch.
 */
export function typeScriptForTslab(ts: typeof TS, conversions: CellConversions, hooks: ProgramHooks): typeof TS {
  const commonJs = new CommonJsInOneEmit(ts);
  const createProgram = plainBuilderFactory(ts, conversions, commonJs, hooks);
  const createWatchCompilerHost = (...args: Parameters<typeof TS.createWatchCompilerHost>) => {
    const [rootFiles, options, system, , reportDiagnostic, reportWatchStatus] = args as unknown as Parameters<
      typeof TS.createWatchCompilerHost<TS.BuilderProgram>
    >;
    const tsrayOptions = withTsrayTypesAsFallback(options);
    return ts.createWatchCompilerHost(rootFiles, tsrayOptions, system, createProgram, reportDiagnostic, reportWatchStatus);
  };
  const replaced: Partial<Record<keyof typeof TS, unknown>> = {
    createWatchCompilerHost,
    transpileModule: commonJs.transpileModule,
    createPrinter: printerCopyingEarlierDeclarations(ts),
  };
  return new Proxy(ts, {
    get: (target, key) => (key in replaced ? replaced[key as keyof typeof TS] : Reflect.get(target, key)),
  });
}
