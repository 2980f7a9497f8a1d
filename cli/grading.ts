// Scoring a notebook's exercises (API.md section 6) from the reports of a run: check
// cells carry the tag `check` and name their exercise in `metadata.tsray.exercise`.
// An exercise passes when every one of its check cells ran without an error.
import type { IError } from "@jupyterlab/nbformat";
import type { CellReport } from "../client/notebook-runner";
import { Cell, Notebook, NotebookFileError } from "../client/notebook-file";

export interface ExerciseResult {
  name: string;
  passed: boolean;
  /** Why it failed: the check's assertion message, or what kept the check from running. */
  message: string | null;
}

export interface Totals {
  passed: number;
  failed: number;
  total: number;
}

export interface GradeReport {
  notebook: string;
  exercises: ExerciseResult[];
  totals: Totals;
}

interface CheckCell {
  index: number;
  exercise: string;
}

function tagsOf(cell: Cell): string[] {
  const tags = cell.metadata?.tags;
  return Array.isArray(tags) ? tags.map(String) : [];
}

function exerciseNameOf(cell: Cell, index: number, path: string): string {
  const name = (cell.metadata?.tsray as { exercise?: unknown } | undefined)?.exercise;
  if (typeof name !== "string" || name.trim() === "") {
    throw new NotebookFileError(`${path}: the check cell at position ${index + 1} has no metadata.tsray.exercise naming its exercise`);
  }
  return name;
}

/** The check cells in notebook order; a notebook without any cannot be graded. */
export function checkCells(notebook: Notebook, path: string): CheckCell[] {
  const checks = notebook.cells.flatMap((cell, index) =>
    cell.cell_type === "code" && tagsOf(cell).includes("check") ? [{ index, exercise: exerciseNameOf(cell, index, path) }] : []
  );
  if (checks.length === 0) throw new NotebookFileError(`${path} has no exercises to grade (no code cell is tagged "check")`);
  return checks;
}

/** What a failed check says: an assertion's own message, else the error's class too. */
function failureMessage(report: CellReport): string {
  if (report.status === "aborted") return "the check cell did not run (the kernel aborted it)";
  const error = report.outputs.find((output): output is IError => output.output_type === "error");
  if (!error) return "the check cell failed without an error message";
  return error.ename === "AssertionError" ? error.evalue : `${error.ename}: ${error.evalue}`;
}

function checkOutcome(check: CheckCell, reports: CellReport[]): string | null {
  const report = reports.find((candidate) => candidate.index === check.index);
  if (!report) return "the check cell never ran";
  return report.status === "ok" ? null : failureMessage(report);
}

export function grade(path: string, checks: CheckCell[], reports: CellReport[]): GradeReport {
  const names = [...new Set(checks.map((check) => check.exercise))];
  const exercises = names.map((name) => {
    const messages = checks.filter((check) => check.exercise === name).map((check) => checkOutcome(check, reports));
    const message = messages.find((m) => m !== null) ?? null;
    return { name, passed: message === null, message };
  });
  return { notebook: path, exercises, totals: totalsOf([exercises]) };
}

export function totalsOf(exerciseLists: ExerciseResult[][]): Totals {
  const all = exerciseLists.flat();
  const passed = all.filter((exercise) => exercise.passed).length;
  return { passed, failed: all.length - passed, total: all.length };
}
