// Declaration files whose contents all go into the one global scope, combined into one
// file per group: TypeScript's lib (55 files for ES2022) and the global scripts of a types
// package (@types/node: 58 files). Every cell's type checker merges the globals of every
// file anew, copying each symbol that several files declare (Array, Promise, the Node
// globals); declared in one file, the binder has merged them once. A program of 184 files
// becomes one of about 70. Measured: a small cell's program, checker, check and emit, 3.7
// -> 2.9 ms; the kernel benchmark's round trip, in interleaved runs, 8.3 -> 7.4, 10.4 ->
// 7.9 and 8.3 -> 6.7 ms. The executor combines them once it has started (see
// declarations-combined-at-rest.ts), from the files its first program read, their text as
// it is on disk.
//
// A group's entry is the member that the program reached the others through, the last of
// them in the program's order (TypeScript lists a file after the files it references): the
// lib named in the options, @types/node's index.d.ts. The entry is given the combined text
// (the members' texts one after another, in the order TypeScript had them), and every
// other member an empty file, whichever a program asks for first: a program built over an
// earlier one asks for the earlier one's files in its order (an empty index.d.ts, were the
// first member asked the one with the text, would lose the rest), and asking for another
// member later (a cell's `/// <reference lib>`) must add nothing twice.
import { dirname, resolve } from "node:path";
import type * as TS from "typescript";
import { type ParseRequest, parsedAsRequested } from "./source-file-hooks";
import type { SourceFileInternals } from "./typescript-internals";

export interface CombinedGroup {
  /** The members' texts in one file named as the entry, parsed (and bound, once a program has used it). */
  file: TS.SourceFile;
  /** The names of the files combined. */
  members: string[];
}

/**
 * Triple-slash references, turned into plain comments: TypeScript reads them only at the
 * top of a file (so only the first member's would count), and the combined text holds
 * what they point at, or refers to it at its top.
 */
function withoutReferences(text: string): string {
  return text.replace(/^(\s*)\/\/\/(\s*<reference\b)/gm, "$1//$2");
}

const DEFAULT_LIB_MARK = '/// <reference no-default-lib="true"/>\n';

/** The types package a file belongs to (its folder under node_modules), if any. */
function packageOf(fileName: string): string | undefined {
  return /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+\/)/.exec(fileName)?.[1];
}

/**
 * A file can join a group when it is a global script that refers to no types package and
 * imports nothing by a relative path (either would be looked up from the combined file's
 * folder instead of its own). Its other references go to the top of the combined text.
 */
function canJoin(file: TS.SourceFile): boolean {
  const { imports = [] } = file as unknown as SourceFileInternals;
  return file.typeReferenceDirectives.length === 0 && !imports.some((specifier) => specifier.text.startsWith("."));
}

/** What a file's triple-slash references point at, by path and by lib name, as absolute paths. */
function referencesOf(ts: typeof TS, file: TS.SourceFile, options: TS.CompilerOptions): { paths: string[]; libs: Map<string, string> } {
  const libFolder = dirname(ts.getDefaultLibFilePath(options));
  const libNames = file.libReferenceDirectives.map((reference) => reference.fileName.toLowerCase());
  return {
    paths: file.referencedFiles.map((reference) => resolve(dirname(file.fileName), reference.fileName)),
    libs: new Map(libNames.map((lib) => [resolve(libFolder, `lib.${lib}.d.ts`), lib])),
  };
}

/**
 * The references the members make to files outside the group, as directives for the top
 * of the combined text (paths made absolute): what they point at stays in the program.
 */
function outsideReferences(ts: typeof TS, members: TS.SourceFile[], options: TS.CompilerOptions): string {
  const names = new Set(members.map((member) => member.fileName));
  const directives = members.flatMap((member) => {
    const { paths, libs } = referencesOf(ts, member, options);
    return [
      ...paths.filter((path) => !names.has(path)).map((path) => `/// <reference path=${JSON.stringify(path)} />\n`),
      ...[...libs].filter(([path]) => !names.has(path)).map(([, lib]) => `/// <reference lib=${JSON.stringify(lib)} />\n`),
    ];
  });
  return [...new Set(directives)].join("");
}

/** The one member no other member refers to (the lib named in the options, a package's index.d.ts), if there is one. */
function entryOf(ts: typeof TS, members: TS.SourceFile[], options: TS.CompilerOptions): TS.SourceFile | undefined {
  const referred = new Set(
    members.flatMap((member) => {
      const { paths, libs } = referencesOf(ts, member, options);
      return [...paths, ...libs.keys()].filter((path) => path !== member.fileName);
    })
  );
  const entries = members.filter((member) => !referred.has(member.fileName));
  return entries.length === 1 ? entries[0] : undefined;
}

/**
 * A member's text as its file has it: the program may have read it without its doc
 * comments (declarations-without-docs.ts), which the combined file is to keep.
 */
function textOnDisk(ts: typeof TS, member: TS.SourceFile): string {
  return ts.sys.readFile(member.fileName) ?? member.text;
}

/** The groups of a program's declaration files: its lib, and each package's global scripts. */
function groupsOf(ts: typeof TS, program: TS.Program): TS.SourceFile[][] {
  const libs = program.getSourceFiles().filter((file) => program.isSourceFileDefaultLibrary(file));
  const byPackage = new Map<string, TS.SourceFile[]>();
  for (const file of program.getSourceFiles()) {
    const name = packageOf(file.fileName);
    if (!file.isDeclarationFile || ts.isExternalModule(file) || libs.includes(file) || !name) continue;
    byPackage.set(name, [...(byPackage.get(name) ?? []), file]);
  }
  return [libs, ...byPackage.values()].filter((files) => files.length > 1 && files.every(canJoin));
}

/**
 * The program's groups of declaration files that have an entry, each combined into one
 * file; the files are not bound yet (a program built over them binds them).
 */
export function combineDeclarations(ts: typeof TS, program: TS.Program): CombinedGroup[] {
  const options = program.getCompilerOptions();
  return groupsOf(ts, program).flatMap((members): CombinedGroup[] => {
    const entry = entryOf(ts, members, options);
    if (!entry) return [];
    const mark = program.isSourceFileDefaultLibrary(members[0]) ? DEFAULT_LIB_MARK : "";
    let text = mark + outsideReferences(ts, members, options);
    for (const member of members) text += withoutReferences(textOnDisk(ts, member)) + "\n";
    const { fileName, languageVersion, impliedNodeFormat } = entry;
    const file = ts.createSourceFile(fileName, text, { languageVersion, impliedNodeFormat });
    return [{ file, members: members.map((member) => member.fileName) }];
  });
}

/**
 * The combined groups as a process serves them: the entry gets the combined file and the
 * other members empty files, or, when the group was parsed differently from the first
 * request for one of its members, none gets anything (the program reads them as usual).
 */
export class CombinedFiles {
  private readonly groupOf: Map<string, CombinedGroup>;
  /** Whether a group is served, decided at the first request for one of its members. */
  private readonly served = new Map<CombinedGroup, boolean>();
  private readonly empties = new Map<string, TS.SourceFile>();

  constructor(
    private readonly ts: typeof TS,
    groups: CombinedGroup[]
  ) {
    this.groupOf = new Map(groups.flatMap((group) => group.members.map((member) => [member, group])));
  }

  fileFor(fileName: string, request: ParseRequest): TS.SourceFile | undefined {
    const group = this.groupOf.get(fileName);
    if (!group) return undefined;
    let served = this.served.get(group);
    if (served === undefined) {
      served = parsedAsRequested(group.file, request);
      this.served.set(group, served);
    }
    if (!served) return undefined;
    return fileName === group.file.fileName ? group.file : this.emptyFile(fileName, request);
  }

  private emptyFile(fileName: string, request: ParseRequest): TS.SourceFile {
    let file = this.empties.get(fileName);
    if (!file) {
      file = this.ts.createSourceFile(fileName, "", request);
      this.empties.set(fileName, file);
    }
    return file;
  }
}
