// Where the startup snapshot lives, and whether this Node can start from it: a snapshot
// only loads into the exact Node binary, with the V8 flags, that built it, so the build
// leaves a stamp.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tslabTypeScriptVersion } from "../tslab-modules";
import { EXECUTOR_NODE_FLAGS } from "../node-flags";

export const SNAPSHOT_BLOB = join(__dirname, "executor.blob");
const stampOf = (blob: string) => `${blob}.json`;

function currentStamp(): string {
  const { execPath, version, arch } = process;
  return JSON.stringify({ execPath, node: version, arch, flags: EXECUTOR_NODE_FLAGS, typescript: tslabTypeScriptVersion() });
}

/** Marks `blob` as built by this Node for this TypeScript. */
export function writeSnapshotStamp(blob = SNAPSHOT_BLOB): void {
  writeFileSync(stampOf(blob), currentStamp() + "\n");
}

/**
 * The snapshot to start executors from, if there is a usable one. TSRAY_STARTUP_SNAPSHOT
 * =off starts them without (to compare, or to rule it out); =FILE uses another snapshot.
 */
export function usableSnapshot(): string | undefined {
  const choice = process.env.TSRAY_STARTUP_SNAPSHOT;
  if (choice === "off") return undefined;
  const blob = choice || SNAPSHOT_BLOB;
  try {
    return existsSync(blob) && readFileSync(stampOf(blob), "utf8").trim() === currentStamp() ? blob : undefined;
  } catch {
    return undefined;
  }
}
