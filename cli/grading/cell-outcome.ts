// What happened to one cell of a graded run, in the terms a teacher acts on: it ran, it
// failed (an assertion, a thrown error), it did not compile, it ran out of time, the
// process running the cells died under it, or it never ran.
import type { IError } from "@jupyterlab/nbformat";
import type { CellReport } from "../../client/notebook-runner";

export type CellOutcome =
  | { kind: "ok"; executionCount: number | null }
  | { kind: "error"; executionCount: number | null; message: string }
  | { kind: "compile-error"; executionCount: number | null; diagnostic: string }
  | { kind: "timed-out"; executionCount: number | null; seconds: number; restarted: boolean }
  | { kind: "died"; executionCount: number | null; how: string }
  | { kind: "not-run"; because: string };

/** The kernel's KernelDied message: "the process running the cells <how>; all variables are lost…" */
const DIED = /^the process running the cells (.*?); all variables are lost/;
/** A TSError names the cell by its execution count, which the report says otherwise. */
const CELL_PREFIX = /^Cell In\[\d+\], /;

function errorOf(report: CellReport): IError | undefined {
  return report.outputs.find((output): output is IError => output.output_type === "error");
}

/** An assertion's own message; any other error with its class. */
function messageOf(error: IError): string {
  return error.ename === "AssertionError" ? error.evalue : `${error.ename}: ${error.evalue}`;
}

export function outcomeOf(report: CellReport): CellOutcome {
  const executionCount = report.executionCount;
  const error = errorOf(report);
  if (report.interrupted && report.status !== "ok") {
    return { kind: "timed-out", executionCount, seconds: report.seconds, restarted: error?.ename === "KernelDied" };
  }
  if (report.status === "ok") return { kind: "ok", executionCount };
  if (report.status === "aborted" || !error) return { kind: "error", executionCount, message: "the cell failed without an error message" };
  const died = error.ename === "KernelDied" ? DIED.exec(error.evalue) : null;
  if (died) return { kind: "died", executionCount, how: died[1] };
  if (error.ename === "TSError") return { kind: "compile-error", executionCount, diagnostic: error.evalue.replace(CELL_PREFIX, "") };
  return { kind: "error", executionCount, message: messageOf(error) };
}
