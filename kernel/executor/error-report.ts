// Turns what went wrong in a cell into a Jupyter `error`: ename, evalue and a traceback
// that shows the user's cell lines, not the kernel's or Node's internals.
import { readFileSync } from "node:fs";
import { Chalk } from "chalk";
import { SCRIPT_FRAME, cellLabel, sourceLineOf, sourceLine } from "./cell-sources";

// Tracebacks are ANSI-coloured for the frontends, whatever the executor's stdout is.
const colour = new Chalk({ level: 1 });

export interface ErrorReport {
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface CompileDiagnostic {
  /** Set when the error is in a module the cell imports (relative to the notebook's folder). */
  file?: string;
  line: number;
  column: number;
  message: string;
}

const INTERRUPTED = new Set(["ERR_SCRIPT_EXECUTION_INTERRUPTED"]);

export function isInterruption(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  return (
    (code !== undefined && INTERRUPTED.has(code)) ||
    error.name === "KeyboardInterrupt" ||
    error.message === "Interrupted asynchronously"
  );
}

export function interruptionReport(label: string): ErrorReport {
  return {
    ename: "KeyboardInterrupt",
    evalue: `${label} was interrupted`,
    traceback: [colour.red("KeyboardInterrupt") + `: ${label} was interrupted; the kernel and its variables are kept`],
  };
}

function linesOf(file: string): string[] {
  try {
    return readFileSync(file, "utf8").split("\n");
  } catch {
    return [];
  }
}

export function compileErrorReport(label: string, source: string, diagnostics: CompileDiagnostic[]): ErrorReport {
  const cellLines = source.split("\n");
  const where = (d: CompileDiagnostic) => `${d.file ?? label}, line ${d.line}, column ${d.column}`;
  const traceback = diagnostics.flatMap((d) => [
    colour.cyan(where(d)) + `: ${d.message}`,
    `  ${(d.file ? linesOf(d.file) : cellLines)[d.line - 1] ?? ""}`,
    `  ${" ".repeat(Math.max(0, d.column - 1))}${colour.red("^")}`,
  ]);
  const first = diagnostics[0];
  const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : "";
  return {
    ename: "TSError",
    evalue: `${where(first)}: ${first.message}${more}`,
    traceback: [...traceback, colour.red("TSError") + ": the cell did not compile, so none of it ran"],
  };
}

function describe(error: unknown): { ename: string; evalue: string; stack: string } {
  if (error instanceof Error) {
    const ename = error.name || error.constructor?.name || "Error";
    return { ename, evalue: error.message, stack: error.stack ?? "" };
  }
  return { ename: "Thrown", evalue: `a non-Error value was thrown: ${String(error)}`, stack: "" };
}

/** "    at f (__cell3__.js:7:11)" → "Cell In[2], line 5, in f" plus the source line. */
function cellFrame(frame: string): string[] | undefined {
  const match = SCRIPT_FRAME.exec(frame);
  if (!match) return undefined;
  const cellId = Number(match[1]);
  const mapped = sourceLineOf(cellId, Number(match[2]));
  const label = cellLabel(cellId);
  if (!mapped || !label) return [];
  const fn = /^\s*at (?:async )?([^\s(]+) \(/.exec(frame)?.[1];
  const where = fn && !fn.startsWith("__cell") ? `, in ${fn}` : "";
  const lines = [colour.cyan(`${label}, line ${mapped.line}${where}`)];
  for (let n = Math.max(1, mapped.line - 1); n <= mapped.line + 1; n++) {
    const text = sourceLine(cellId, n);
    if (text === undefined) continue;
    const marker = n === mapped.line ? colour.green("---->") : "     ";
    lines.push(`${marker} ${String(n).padStart(3)} ${text}`);
  }
  return lines;
}

/** Frames of the user's own modules stay; Node, tslab and tsray internals go. */
function isInternal(frame: string): boolean {
  return /\(node:|at node:|\/node_modules\/|\/tsray\/dist\/|\bdist\/kernel\/|\bdist\/preload\//.test(frame);
}

export function runtimeErrorReport(error: unknown): ErrorReport {
  const { ename, evalue, stack } = describe(error);
  const frames = stack.split("\n").filter((line) => /^\s+at /.test(line));
  const shown = frames.flatMap((frame) => cellFrame(frame) ?? (isInternal(frame) ? [] : [frame.trim()]));
  return {
    ename,
    evalue,
    traceback: [...shown, colour.red(ename) + (evalue ? `: ${evalue}` : "")],
  };
}
