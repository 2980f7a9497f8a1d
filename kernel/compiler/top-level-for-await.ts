// tslab runs a cell inside an async function only when TypeScript reports a top-level
// `await` (a report it then drops). A top-level `for await` loop draws no report, so such a
// cell ran in a plain function and failed with "SyntaxError: Unexpected reserved word".
import type * as TS from "typescript";
import { tslabTypeScript } from "./tslab-modules";

/** Whether the cell has a `for await` loop outside any function, class or namespace. */
export function hasTopLevelForAwait(code: string): boolean {
  if (!/\bfor\s+await\b/.test(code)) return false;
  const ts = tslabTypeScript();
  let found = false;
  const visit = (node: TS.Node): void => {
    if (found || ts.isFunctionLike(node) || ts.isClassLike(node) || ts.isModuleDeclaration(node)) return;
    if (ts.isForOfStatement(node) && node.awaitModifier) found = true;
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest), visit);
  return found;
}
