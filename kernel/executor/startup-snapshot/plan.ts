// What the startup snapshot holds, and the plan it is built from (see build-entry.ts).
import type * as TS from "typescript";

/** The global through which an executor started from the snapshot finds what it holds. */
export const SNAPSHOT_GLOBAL = "__tsrayStartupSnapshot";

export interface SnapshotPlan {
  global: string;
  typescriptFile: string;
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
  /** Parsed and bound declaration files, by file name. */
  declarations: Map<string, TS.SourceFile>;
}
