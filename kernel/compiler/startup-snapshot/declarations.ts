// In an executor started from the startup snapshot: what the snapshot holds, and a
// compiler host hook that answers with its parsed declaration files instead of parsing.
import { readFileSync } from "node:fs";
import type * as TS from "typescript";
import { SNAPSHOT_GLOBAL, StartupSnapshot } from "./plan";
import { CombinedFiles, isGroupCurrent, parsedAsRequested } from "./combined-declarations";
import { SourceFileLookup, answeringFirst } from "../source-file-hooks";
import type { HostHook } from "../typescript-for-tslab";

export function startupSnapshot(): StartupSnapshot | undefined {
  return (globalThis as Record<string, unknown>)[SNAPSHOT_GLOBAL] as StartupSnapshot | undefined;
}

/**
 * What the snapshot has for a file, if its text is still the one the snapshot was made of
 * (checked once per file, or group) and it was parsed the way the request asks. A request
 * for a fresh file is answered from the disk, but for a combined group's members: they are
 * served as their group is, whatever is asked (served once, they are in every program).
 */
function snapshotFiles(snapshot: StartupSnapshot): SourceFileLookup {
  const read = (fileName: string) => readFileSync(fileName, "utf8");
  const unchanged = new Map<string, boolean>();
  const isCurrent = (file: TS.SourceFile): boolean => {
    let current = unchanged.get(file.fileName);
    if (current === undefined) {
      current = read(file.fileName) === file.text;
      unchanged.set(file.fileName, current);
    }
    return current;
  };
  const combined = new CombinedFiles(snapshot.typescript, snapshot.groups, (group) => isGroupCurrent(group, read));
  return (fileName, request, fresh) => {
    const file = snapshot.declarations.get(fileName);
    if (file) return !fresh && parsedAsRequested(file, request) && isCurrent(file) ? file : undefined;
    return combined.fileFor(fileName, request);
  };
}

/** Makes compiler hosts answer with the snapshot's declaration files where it has them. */
export function serveDeclarationsFrom(snapshot: StartupSnapshot): HostHook {
  const lookup = snapshotFiles(snapshot);
  return answeringFirst(() => lookup);
}
