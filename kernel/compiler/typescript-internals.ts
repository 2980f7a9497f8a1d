// The TypeScript 5.0 internals tsray relies on: present in tslab's build of TypeScript,
// absent from its typings. In one place, to check when tslab's TypeScript changes.
import type * as TS from "typescript";

export interface TypeScriptInternals {
  /** Binds a file on its own (its symbols and locals), as a program's type checker would. */
  bindSourceFile(file: TS.SourceFile, options: TS.CompilerOptions): void;
  /** The module transformer an emit picks for `module: CommonJS` (and AMD, UMD). */
  transformModule(context: TS.TransformationContext): TS.Transformer<TS.SourceFile>;
}

export function internalsOf(ts: typeof TS): TypeScriptInternals {
  return ts as unknown as TypeScriptInternals;
}
