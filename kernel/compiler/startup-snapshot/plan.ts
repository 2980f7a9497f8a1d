// What the startup snapshot holds, and the plan it is built from (see build-entry.ts).
import type * as TS from "typescript";
import type { CombinedGroup } from "./combined-declarations";

/** The global through which an executor started from the snapshot finds what it holds. */
export const SNAPSHOT_GLOBAL = "__tsrayStartupSnapshot";

export interface SnapshotPlan {
  global: string;
  typescriptFile: string;
  /** The compiled combined-declarations module, which the builder loads as it loads TypeScript. */
  combinerFile: string;
  /** Where the lessons run; type roots and module paths are resolved from there. */
  folder: string;
  /** The executor's hidden first cell, so that the preloaded names' declarations are included. */
  preloadCell: string;
  /** As tslab's converter compiles, with the type roots (and types) tsray gives it. */
  compilerOptions: TS.CompilerOptions;
}

export interface StartupSnapshot {
  typescript: typeof TS;
  typescriptFile: string;
  /** Parsed and bound declaration files, by file name, but for those combined in groups. */
  declarations: Map<string, TS.SourceFile>;
  /** Declaration files combined into one file per group (see combined-declarations.ts). */
  groups: CombinedGroup[];
}
