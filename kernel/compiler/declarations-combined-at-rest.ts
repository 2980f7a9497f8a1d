// The lib's files and each types package's global scripts, combined into one file per
// group (combined-declarations.ts) once the executor has answered its first cell: made
// from the files the newest program read, bound, and given to every later program. Not
// at start: combining parses the groups' text again and binds it (about 0.2 s), which the
// first result should not wait for.
//
// A combined group is what its files said when it was made: an edit to TypeScript's lib
// or to @types/node while a kernel runs shows after a restart (as it did with the startup
// snapshot the executor once started from; see load-typescript.ts).
import type * as TS from "typescript";
import { CombinedFiles, combineDeclarations } from "./combined-declarations";
import { answeringFirst } from "./source-file-hooks";
import { internalsOf } from "./typescript-internals";

export class DeclarationsCombinedAtRest {
  /** Held weakly: the newest program is the previous cell's, garbage once the next one is built. */
  private newest?: WeakRef<TS.Program>;
  private combined?: CombinedFiles;

  constructor(private readonly ts: typeof TS) {}

  /** Notes each program built for a cell; the newest one's files are the ones combined. */
  readonly programBuilt = (program: TS.Program): void => {
    this.newest = new WeakRef(program);
  };

  /**
   * Combines and binds the groups of the newest program's declaration files, once; true
   * when it did. The files they replace stay in the compiler hosts' caches of the watch
   * programs that read them, until those are closed.
   */
  combine(): boolean {
    const program = this.newest?.deref();
    if (this.combined || !program) return false;
    const groups = combineDeclarations(this.ts, program);
    for (const group of groups) internalsOf(this.ts).bindSourceFile(group.file, program.getCompilerOptions());
    this.combined = new CombinedFiles(this.ts, groups);
    return groups.length > 0;
  }

  /** Makes compiler hosts answer with the combined files, once there are some. */
  readonly serveFrom = answeringFirst(() => (fileName, request) => this.combined?.fileFor(fileName, request));
}
