// Declaration files whose contents all go into the one global scope, held in the snapshot
// as one file per group: TypeScript's lib (55 files for ES2022) and the global scripts of a
// types package (@types/node: 58 files). Every cell's type checker merges the globals of
// every file anew, copying each symbol that several files declare (Array, Promise, the
// Node globals); declared in one file, the binder has merged them once, when the snapshot
// was built. A program of 184 files becomes one of about 70. Measured: a small cell's
// program, checker, check and emit, 3.7 -> 2.9 ms; the kernel benchmark's round trip, in
// interleaved runs, 8.3 -> 7.4, 10.4 -> 7.9 and 8.3 -> 6.7 ms.
//
// In a process, the first member of a group that a program asks for is given the combined
// text (the members' texts one after another, in the order TypeScript had them), and every
// other member an empty file: which member comes first depends on the program (a lib named
// in the options, or one that @types/node references), and asking for another one later (a
// cell's `/// <reference lib>`) must add nothing twice.
//
// Also loaded by the snapshot builder, where only Node's modules can be required.
import { dirname, resolve } from "node:path";
import type * as TS from "typescript";
import type { ParseRequest } from "../source-file-hooks";
import type { SourceFileInternals } from "../typescript-internals";

export interface GroupMember {
  fileName: string;
  /** Where the member's text is in the group's combined text. */
  start: number;
  end: number;
}

export interface CombinedGroup {
  /** The members' texts in one file, parsed (and bound, once a program has used it). */
  file: TS.SourceFile;
  members: GroupMember[];
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

/** Whether every member's file still has the text that the combined file was made of. */
export function isGroupCurrent(group: CombinedGroup, readFile: (fileName: string) => string): boolean {
  return group.members.every(
    (member) => withoutReferences(readFile(member.fileName)) === group.file.text.slice(member.start, member.end)
  );
}

export function parsedAsRequested(file: TS.SourceFile, request: ParseRequest): boolean {
  const options = typeof request === "object" ? request : { languageVersion: request, impliedNodeFormat: undefined };
  return file.languageVersion === options.languageVersion && file.impliedNodeFormat === options.impliedNodeFormat;
}

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
  // A type only: the snapshot builder loads this module where only Node's modules can be required.
  const { imports = [] } = file as unknown as SourceFileInternals;
  return file.typeReferenceDirectives.length === 0 && !imports.some((specifier) => specifier.text.startsWith("."));
}

/**
 * The references the members make to files outside the group, as directives for the top
 * of the combined text (paths made absolute): what they point at stays in the program.
 */
function outsideReferences(ts: typeof TS, members: TS.SourceFile[], options: TS.CompilerOptions): string {
  const names = new Set(members.map((member) => member.fileName));
  const libFolder = dirname(ts.getDefaultLibFilePath(options));
  const directives = members.flatMap((member) => [
    ...member.referencedFiles
      .map((reference) => resolve(dirname(member.fileName), reference.fileName))
      .filter((path) => !names.has(path))
      .map((path) => `/// <reference path=${JSON.stringify(path)} />\n`),
    ...member.libReferenceDirectives
      .map((reference) => reference.fileName.toLowerCase())
      .filter((lib) => !names.has(resolve(libFolder, `lib.${lib}.d.ts`)))
      .map((lib) => `/// <reference lib=${JSON.stringify(lib)} />\n`),
  ]);
  return [...new Set(directives)].join("");
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
 * The program's declaration files, each group of them combined into one file; the files
 * are not bound yet (a program built over them binds them).
 */
export function combineDeclarations(ts: typeof TS, program: TS.Program): { declarations: Map<string, TS.SourceFile>; groups: CombinedGroup[] } {
  const declarations = new Map(program.getSourceFiles().filter((file) => file.isDeclarationFile).map((file) => [file.fileName, file]));
  const groups = groupsOf(ts, program).map((members): CombinedGroup => {
    const mark = program.isSourceFileDefaultLibrary(members[0]) ? DEFAULT_LIB_MARK : "";
    let text = mark + outsideReferences(ts, members, program.getCompilerOptions());
    const placed = members.map((member): GroupMember => {
      const start = text.length;
      text += withoutReferences(member.text);
      const end = text.length;
      text += "\n";
      declarations.delete(member.fileName);
      return { fileName: member.fileName, start, end };
    });
    const { fileName, languageVersion, impliedNodeFormat } = members[members.length - 1];
    return { file: ts.createSourceFile(fileName, text, { languageVersion, impliedNodeFormat }), members: placed };
  });
  return { declarations, groups };
}

/**
 * The combined groups as a process serves them: the first member asked for gets the
 * combined file and the others empty files, or, when the group is out of date or was
 * parsed differently, none gets anything (the program reads the members as usual).
 */
export class CombinedFiles {
  private readonly groupOf: Map<string, CombinedGroup>;
  /** The member given the combined file, or null when the group is not served. */
  private readonly anchors = new Map<CombinedGroup, string | null>();
  private readonly empties = new Map<string, TS.SourceFile>();

  constructor(
    private readonly ts: typeof TS,
    groups: CombinedGroup[],
    private readonly isCurrent: (group: CombinedGroup) => boolean
  ) {
    this.groupOf = new Map(groups.flatMap((group) => group.members.map((member) => [member.fileName, group])));
  }

  fileFor(fileName: string, request: ParseRequest): TS.SourceFile | undefined {
    const group = this.groupOf.get(fileName);
    if (!group) return undefined;
    let anchor = this.anchors.get(group);
    if (anchor === undefined) {
      anchor = parsedAsRequested(group.file, request) && this.isCurrent(group) ? fileName : null;
      this.anchors.set(group, anchor);
    }
    if (anchor === null) return undefined;
    return fileName === anchor ? group.file : this.emptyFile(fileName, request);
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
