// Compiler hosts that answer some files from memory (the combined declarations, the
// installed declarations without their docs, the next cell's prepared declarations) and
// read the rest as before.
import type * as TS from "typescript";
import type { HostHook } from "./typescript-for-tslab";

/** How a program asks for a file to be parsed. */
export type ParseRequest = TS.ScriptTarget | TS.CreateSourceFileOptions;

/** Whether a file was parsed as this request asks (the same language version and module format). */
export function parsedAsRequested(file: TS.SourceFile, request: ParseRequest): boolean {
  const options = typeof request === "object" ? request : { languageVersion: request, impliedNodeFormat: undefined };
  return file.languageVersion === options.languageVersion && file.impliedNodeFormat === options.impliedNodeFormat;
}

/** A file held in memory for this name and request, if any (`fresh`: the program wants a new parse). */
export type SourceFileLookup = (fileName: string, request: ParseRequest, fresh?: boolean) => TS.SourceFile | undefined;

/**
 * A hook that makes each compiler host, once, try `lookupFor(host, options)` before its
 * own getSourceFile and getSourceFileByPath.
 */
export function answeringFirst(lookupFor: (host: TS.CompilerHost, options: TS.CompilerOptions) => SourceFileLookup): HostHook {
  const hooked = new WeakSet<TS.CompilerHost>();
  return (host, options) => {
    if (hooked.has(host)) return;
    hooked.add(host);
    const lookup = lookupFor(host, options);
    const { getSourceFile, getSourceFileByPath } = host;
    host.getSourceFile = (name, request, onError, fresh) =>
      lookup(name, request, fresh) ?? getSourceFile.call(host, name, request, onError, fresh);
    if (getSourceFileByPath) {
      host.getSourceFileByPath = (name, path, request, onError, fresh) =>
        lookup(name, request, fresh) ?? getSourceFileByPath.call(host, name, path, request, onError, fresh);
    }
  };
}
