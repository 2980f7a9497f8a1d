// tslab gives each cell the declarations of all earlier cells as the text of one file
// (`__prev__.d.ts`), which TypeScript parses and binds anew for every cell: the longer
// the notebook, the slower each cell (0.7 ms at 100 earlier declarations, 1.5 ms at 200,
// measured). The text the next cell will get is known as soon as a cell is converted, so
// the executor prepares that file while it waits for the next cell, and the next program
// takes it when the text it reads is the same (it is not when the cell failed to compile:
// the earlier declarations are kept then, and the file is parsed as usual).
import type * as TS from "typescript";
import { EARLIER_CELLS_FILE, earlierCellsFileText } from "./tslab-modules";
import { internalsOf } from "./typescript-internals";
import { ParseRequest, answeringFirst } from "./source-file-hooks";

/** How the last program asked for the file: the next one asks the same way. */
interface Request {
  fileName: string;
  parse: ParseRequest;
  options: TS.CompilerOptions;
}

export class DeclarationsAhead {
  private lastRequest?: Request;
  private prepared?: { text: string; file: TS.SourceFile };

  constructor(private readonly ts: typeof TS) {}

  /** Parses and binds the file of these declarations now, ready for the next program. */
  prepare(declarations: string): void {
    const request = this.lastRequest;
    const text = earlierCellsFileText(declarations, this.ts.sys.newLine);
    if (!request || this.prepared?.text === text) return;
    const file = this.ts.createSourceFile(request.fileName, text, request.parse);
    internalsOf(this.ts).bindSourceFile(file, request.options);
    this.prepared = { text, file };
  }

  /** Makes a compiler host answer with the prepared file when the file's text matches it. */
  readonly serveFrom = answeringFirst((host, options) => (fileName, parse, fresh) => {
    if (!EARLIER_CELLS_FILE.test(fileName)) return undefined;
    this.lastRequest = { fileName, parse, options };
    const prepared = this.prepared;
    return !fresh && prepared && host.readFile(fileName) === prepared.text ? prepared.file : undefined;
  });
}
