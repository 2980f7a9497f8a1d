// The TypeScript 5.0 internals tsray relies on: present in tslab's build of TypeScript,
// absent from its typings. In one place, to check when tslab's TypeScript changes.
import type * as TS from "typescript";

export interface TypeScriptInternals {
  /** Binds a file on its own (its symbols and locals), as a program's type checker would. */
  bindSourceFile(file: TS.SourceFile, options: TS.CompilerOptions): void;
  /** The module transformer an emit picks for `module: CommonJS` (and AMD, UMD). */
  transformModule(context: TS.TransformationContext): TS.Transformer<TS.SourceFile>;
  /** The @types folders above `folder` (tslab's converter asks for them the same way). */
  getDefaultTypeRoots(folder: string, host: { directoryExists(path: string): boolean }): string[] | undefined;
}

export function internalsOf(ts: typeof TS): TypeScriptInternals {
  return ts as unknown as TypeScriptInternals;
}

/** What TypeScript keeps on a source file beyond its typings. */
export interface SourceFileInternals {
  /** The parser's syntax errors. */
  parseDiagnostics?: readonly TS.DiagnosticWithLocation[];
  /** The module specifiers the file imports (collected when a program is built). */
  imports?: readonly TS.StringLiteralLike[];
  /** Its module resolutions (set when a program is built). */
  resolvedModules?: { forEach(visit: (resolution: { resolvedModule?: { resolvedFileName: string } }) => void): void };
  /** The names the file declares at its top level (set when it is bound). */
  locals?: TS.SymbolTable;
}

export function sourceFileInternalsOf(file: TS.SourceFile): SourceFileInternals {
  return file as unknown as SourceFileInternals;
}
