// is_complete: whether a console should run the code or wait for more lines.
import { tslabTypeScript } from "./tslab-modules";

const UNTERMINATED_TEMPLATE = 1160;

export type Completeness = { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" };

export function completeness(code: string): Completeness {
  const { isCompleteCode } = require("tslab/dist/converter") as typeof import("tslab/dist/converter");
  const verdict = isCompleteCode(code);
  if (!verdict.completed) return { status: "incomplete", indent: verdict.indent ?? "" };
  // tslab only knows "more input would help"; code that no more input can fix is invalid.
  const ts = tslabTypeScript();
  const source = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const problems = (source as unknown as { parseDiagnostics?: { code: number }[] }).parseDiagnostics ?? [];
  // A template literal may span lines: an open one wants more input.
  if (problems.some((problem) => problem.code === UNTERMINATED_TEMPLATE)) return { status: "incomplete", indent: "" };
  return problems.length > 0 ? { status: "invalid" } : { status: "complete" };
}
