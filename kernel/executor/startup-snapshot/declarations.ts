// In an executor started from the startup snapshot: what the snapshot holds, and a
// compiler host hook that answers with its parsed declaration files instead of parsing.
import { readFileSync } from "node:fs";
import type * as TS from "typescript";
import { SNAPSHOT_GLOBAL, StartupSnapshot } from "./plan";

export function startupSnapshot(): StartupSnapshot | undefined {
  return (globalThis as Record<string, unknown>)[SNAPSHOT_GLOBAL] as StartupSnapshot | undefined;
}

type ParseRequest = TS.ScriptTarget | TS.CreateSourceFileOptions;

function parsedAsRequested(file: TS.SourceFile, request: ParseRequest): boolean {
  const options = typeof request === "object" ? request : { languageVersion: request, impliedNodeFormat: undefined };
  return file.languageVersion === options.languageVersion && file.impliedNodeFormat === options.impliedNodeFormat;
}

/**
 * Makes compiler hosts answer with the snapshot's declaration files, each only if its file
 * still has the same text (checked once) and was parsed the way the request asks.
 */
export function serveDeclarationsFrom(snapshot: StartupSnapshot): (host: TS.CompilerHost) => void {
  const unchanged = new Map<string, boolean>();
  const isCurrent = (file: TS.SourceFile): boolean => {
    let current = unchanged.get(file.fileName);
    if (current === undefined) {
      current = readFileSync(file.fileName, "utf8") === file.text;
      unchanged.set(file.fileName, current);
    }
    return current;
  };
  const lookup = (name: string, request: ParseRequest, fresh?: boolean): TS.SourceFile | undefined => {
    const file = fresh ? undefined : snapshot.declarations.get(name);
    return file && parsedAsRequested(file, request) && isCurrent(file) ? file : undefined;
  };
  const served = new WeakSet<TS.CompilerHost>();
  return (host) => {
    if (served.has(host)) return;
    served.add(host);
    const { getSourceFile, getSourceFileByPath } = host;
    host.getSourceFile = (name, request, onError, fresh) =>
      lookup(name, request, fresh) ?? getSourceFile.call(host, name, request, onError, fresh);
    if (getSourceFileByPath) {
      host.getSourceFileByPath = (name, path, request, onError, fresh) =>
        lookup(name, request, fresh) ?? getSourceFileByPath.call(host, name, path, request, onError, fresh);
    }
  };
}
