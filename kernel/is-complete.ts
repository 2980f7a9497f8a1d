// is_complete: whether a console should run the code or wait for more lines. Code is
// incomplete when more input could make it valid, invalid when nothing appended can.
import { Script } from "node:vm";
import { tslabTypeScript } from "./compiler/tslab-modules";
import { sourceFileInternalsOf } from "./compiler/typescript-internals";

const UNTERMINATED_TEMPLATE = 1160;

export type Completeness = { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" };

type TypeScript = ReturnType<typeof tslabTypeScript>;
type SourceFile = import("typescript").SourceFile;

export function completeness(code: string): Completeness {
  const ts = tslabTypeScript();
  const source = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const problems = sourceFileInternalsOf(source).parseDiagnostics ?? [];
  if (problems.some((problem) => problemBeforeTheEnd(problem, code)) || hasDecoratedDecorator(ts, source)) {
    return { status: "invalid" };
  }
  const { isCompleteCode } = require("tslab/dist/converter") as typeof import("tslab/dist/converter");
  const verdict = isCompleteCode(code);
  if (!verdict.completed) return { status: "incomplete", indent: verdict.indent ?? "" };
  // A template literal may span lines: an open one wants more input.
  if (problems.some((problem) => problem.code === UNTERMINATED_TEMPLATE)) return { status: "incomplete", indent: "" };
  if (problems.length > 0 || !compilesAsJavaScript(ts, code)) return { status: "invalid" };
  return { status: "complete" };
}

/** The parser stopped before the last token: what follows cannot repair what went before. */
function problemBeforeTheEnd(problem: import("typescript").DiagnosticWithLocation, code: string): boolean {
  return problem.code !== UNTERMINATED_TEMPLATE && problem.start !== undefined && problem.start < code.trimEnd().length;
}

/** TypeScript's parser reads `@@x` as a decorator of a decorator, which no grammar has (so `@@@` is not "incomplete"). */
function hasDecoratedDecorator(ts: TypeScript, source: SourceFile): boolean {
  const found = (node: import("typescript").Node): boolean =>
    (ts.isDecorator(node) && node.expression.kind === ts.SyntaxKind.MissingDeclaration) || ts.forEachChild(node, found) === true;
  return found(source);
}

/**
 * JavaScript's early errors (`let let = 1`, a name declared twice) are not parse errors to
 * TypeScript; V8 compiles the emitted code (inside an async function, for top-level await)
 * without running it.
 */
function compilesAsJavaScript(ts: TypeScript, code: string): boolean {
  const options = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS };
  const javascript = ts.transpileModule(code, { compilerOptions: options }).outputText;
  try {
    new Script(`(async () => {\n${javascript}\n})`);
    return true;
  } catch {
    return false;
  }
}
