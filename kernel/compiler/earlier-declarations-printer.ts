// At the end of every cell, tslab's converter prints the declarations of the earlier
// cells that the cell did not replace, for the next cell: the whole file, through
// TypeScript's printer, so the longer the notebook, the longer each cell takes. Those
// declarations came out of the same printer one cell before, so their text is already
// what printing them gives. The printer below copies the text of every declaration that
// tslab kept whole, and prints only those it cut down (a `const a, b` of which the cell
// redeclared `b`, and imports, whose names tslab edits in place).
import type * as TS from "typescript";
import { EARLIER_CELLS_FILE } from "./tslab-modules";

/** A declaration list tslab kept whole: it replaces the list, with the declarations it keeps. */
function keptWhole(list: TS.VariableDeclarationList, text: string): boolean {
  const kept = list.declarations;
  if (kept.length === 0 || kept[kept.length - 1].end !== list.end) return false;
  if (!/^\s*(const|let|var)\s*$/.test(text.slice(list.pos, kept[0].pos))) return false;
  return kept.every((declaration, i) => i === 0 || text.slice(kept[i - 1].end, declaration.pos).trim() === ",");
}

function copiable(ts: typeof TS, statement: TS.Statement, text: string): boolean {
  if (ts.isVariableStatement(statement)) return keptWhole(statement.declarationList, text);
  return (
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isEnumDeclaration(statement)
  );
}

/** The statement's text with its leading comments, as the printer would give it. */
function copied(statement: TS.Statement, file: TS.SourceFile): string {
  return file.text.slice(statement.pos, statement.end).replace(/^\s+/, "");
}

/** ts.createPrinter, whose printFile copies what it can of the earlier cells' declarations. */
export function printerCopyingEarlierDeclarations(ts: typeof TS): typeof TS.createPrinter {
  return (options, handlers) => {
    const printer = ts.createPrinter(options, handlers);
    const newLine = options?.newLine === ts.NewLineKind.CarriageReturnLineFeed ? "\r\n" : "\n";
    const printFile = (file: TS.SourceFile): string => {
      if (!EARLIER_CELLS_FILE.test(file.fileName)) return printer.printFile(file);
      return file.statements
        .map((statement) =>
          copiable(ts, statement, file.text) ? copied(statement, file) : printer.printNode(ts.EmitHint.Unspecified, statement, file)
        )
        .map((line) => line + newLine)
        .join("");
    };
    return Object.assign(Object.create(printer) as TS.Printer, { printFile });
  };
}
