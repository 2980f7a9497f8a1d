// Builds the executor's startup snapshot (`npm install` and `npm run build` run this):
// a V8 heap in which tslab's TypeScript is loaded and the declarations every cell is
// checked against are already parsed and bound. An executor started from it skips most
// of a second of work. The snapshot belongs to this Node binary and this install; when
// it is missing, stale or cannot be built, the kernel starts the slower way.
import { spawnSync } from "node:child_process";
import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { tslabTypeScript, tslabTypeScriptFile } from "../tslab-modules";
import { preloadCell } from "../preload-cell";
import { EXECUTOR_NODE_FLAGS } from "../node-flags";
import { withTsrayTypesAsFallback } from "../typescript-for-tslab";
import { internalsOf } from "../typescript-internals";
import { SNAPSHOT_GLOBAL, SnapshotPlan } from "./plan";
import { SNAPSHOT_BLOB, writeSnapshotStamp } from "./location";

const PACKAGE_ROOT = resolve(__dirname, "../../../..");

/**
 * The type roots tslab's converter asks for, for cells run in `folder`: the @types
 * folders above it, or tslab's own @types when none of them has Node's (which tsray then
 * replaces: see withTsrayTypesAsFallback).
 */
function tslabTypeRoots(ts: typeof import("typescript"), folder: string): string[] {
  const roots = internalsOf(ts).getDefaultTypeRoots(folder, { directoryExists: ts.sys.directoryExists }) ?? [];
  if (roots.some((root) => ts.sys.fileExists(join(root, "node", "package.json")))) return roots;
  return [...roots, join(dirname(require.resolve("tslab/package.json")), "node_modules", "@types")];
}

function snapshotPlan(): SnapshotPlan {
  const ts = tslabTypeScript();
  const folder = join(PACKAGE_ROOT, "notebooks");
  return {
    global: SNAPSHOT_GLOBAL,
    typescriptFile: tslabTypeScriptFile(),
    combinerFile: join(__dirname, "combined-declarations.js"),
    folder,
    preloadCell: preloadCell(),
    // As tslab 1.0.22's converter compiles on Node >= 18 (what decides parsing and
    // which declarations are read); a file parsed differently is not used (declarations.ts).
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2022.d.ts"],
      esModuleInterop: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      declaration: true,
      ...withTsrayTypesAsFallback({ typeRoots: tslabTypeRoots(ts, folder) }),
    },
  };
}

export function buildStartupSnapshot(): { ok: true; megabytes: number } | { ok: false; reason: string } {
  const scratch = mkdtempSync(join(tmpdir(), "tsray-snapshot-"));
  // Written next to its place, so that the rename cannot cross file systems.
  const blob = `${SNAPSHOT_BLOB}.${process.pid}.partial`;
  try {
    const planFile = join(scratch, "plan.json");
    writeFileSync(planFile, JSON.stringify(snapshotPlan()));
    const entry = join(__dirname, "build-entry.js");
    const built = spawnSync(process.execPath, [...EXECUTOR_NODE_FLAGS, "--snapshot-blob", blob, "--build-snapshot", entry, planFile], {
      encoding: "utf8",
    });
    if (built.status !== 0) return { ok: false, reason: (built.stderr || built.error?.message || `exit ${built.status}`).trim() };
    renameSync(blob, SNAPSHOT_BLOB);
    writeSnapshotStamp();
    return { ok: true, megabytes: statSync(SNAPSHOT_BLOB).size / 1e6 };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(blob, { force: true });
  }
}

if (require.main === module) {
  const started = Date.now();
  const result = buildStartupSnapshot();
  if (result.ok) {
    console.log(`tsray: executor startup snapshot built (${result.megabytes.toFixed(0)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } else {
    console.warn(`tsray: no executor startup snapshot (kernels will start about a second slower): ${result.reason}`);
  }
}
