// The installed declaration files (TypeScript's lib, @types/node and what it imports)
// parsed without their doc comments while the executor starts. Two thirds of their 2.8 MB
// are doc comments, and TypeScript parses each one into JSDoc nodes, even in declaration
// files: the first program's parse took 0.31 s with them and 0.18 s without, and the
// executor's first result came at 0.59 s instead of 0.72 (interleaved runs). They only serve
// quick info (a cell's `inspect`), which the executor does not answer until it has
// started in full: then it stops serving these files, combines the declarations from the
// files as they are on disk, docs included, and hands them to a fresh converter (see
// declarations-combined-at-rest.ts and tslab-executor.ts).
import type * as TS from "typescript";
import { answeringFirst, parsedAsRequested } from "./source-file-hooks";

const INSTALLED_DECLARATIONS = /\/node_modules\/.*\.d\.ts$/;

/**
 * A doc comment that starts a line, through its first `*` `/` (where TypeScript's scanner
 * ends it too). Such comments hold no directives (those are `///` lines) and, in a
 * declaration file, nothing the type checker reads.
 */
const LINE_DOC_COMMENT = /^[ \t]*\/\*\*[\s\S]*?\*\//gm;

/** The line breaks of a comment, so that every line keeps its number. */
function lineBreaksOf(comment: string): string {
  let count = 0;
  for (let at = comment.indexOf("\n"); at !== -1; at = comment.indexOf("\n", at + 1)) count++;
  return "\n".repeat(count);
}

/** A declaration file's text without the doc comments that start its lines (about 5 ms for the 2.8 MB). */
export function withoutDocComments(text: string): string {
  return text.replace(LINE_DOC_COMMENT, lineBreaksOf);
}

export class DeclarationsWithoutDocs {
  private serving = true;
  /** Parsed once and given to every program until `stop`, as a watch program's own cache would. */
  private readonly files = new Map<string, TS.SourceFile>();

  constructor(private readonly ts: typeof TS) {}

  /** Stops serving the files without docs and forgets them; true when it had served any. */
  stop(): boolean {
    this.serving = false;
    const served = this.files.size > 0;
    this.files.clear();
    return served;
  }

  /** Makes compiler hosts answer installed declaration files without their doc comments, until `stop`. */
  readonly serveFrom = answeringFirst((host) => (fileName, request, fresh) => {
    if (!this.serving || !INSTALLED_DECLARATIONS.test(fileName)) return undefined;
    const known = this.files.get(fileName);
    if (known && !fresh && parsedAsRequested(known, request)) return known;
    const text = host.readFile(fileName);
    if (text === undefined) return undefined;
    const file = this.ts.createSourceFile(fileName, withoutDocComments(text), request);
    this.files.set(fileName, file);
    return file;
  });
}
