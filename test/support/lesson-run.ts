// Running a lesson notebook once through the real kernel, and reading what it printed.
import type { IOutput } from "@jupyterlab/nbformat";
import { join, resolve } from "node:path";
import { CellReport, runNotebook } from "../../client/notebook-runner";
import { sourceChecks } from "../../cli/grading/lesson-cells";
import { planRun } from "../../cli/grading/run-plan";
import { gradeOf } from "../../cli/grading/scoring";
import { outcomeOf } from "../../cli/grading/cell-outcome";
import { Cell, readNotebook } from "../../client/notebook-file";
import { startTestKernel } from "./kernel";

export const PROJECT = resolve(__dirname, "../../..");

export interface LessonRun {
  path: string;
  cells: Cell[];
  reports: CellReport[];
}

/** Runs every cell (errors do not stop it) of the notebook at `file`, relative to the project. */
export async function runLesson(file: string): Promise<LessonRun> {
  const path = join(PROJECT, file);
  const notebook = readNotebook(path);
  const kernel = await startTestKernel();
  try {
    return { path, cells: notebook.cells, reports: await runNotebook(kernel.client, notebook, { allowErrors: true, timeout: 120 }) };
  } finally {
    await kernel.shutdown();
  }
}

/** A lesson (from notebooks/) and its solved copy (from solutions/), run one after the other. */
export async function runLessonAndSolution(notebook: string): Promise<{ lesson: LessonRun; solution: LessonRun }> {
  const lesson = await runLesson(join("notebooks", notebook));
  const solution = await runLesson(join("solutions", notebook));
  return { lesson, solution };
}

/** What `tsray grade --source` the notebook itself would report for the run (its cells run as they are). */
export function gradeRun(r: LessonRun) {
  const notebook = { cells: r.cells } as never;
  const plan = planRun(notebook, sourceChecks(notebook, r.path), notebook);
  const outcomes = plan.cells.map((_, index) => {
    const report = r.reports.find((candidate) => candidate.index === index);
    return report ? outcomeOf(report) : null;
  });
  return gradeOf(r.path, plan, outcomes);
}

export const text = (value: unknown) => (Array.isArray(value) ? value.join("") : String(value ?? ""));
export const stdout = (outputs: IOutput[]) =>
  outputs.map((o) => (o.output_type === "stream" && o.name === "stdout" ? text(o.text) : "")).join("");
export const allStdout = (r: LessonRun) => r.reports.map((report) => stdout(report.outputs)).join("");
export const tagsOf = (report: CellReport) => (report.cell.metadata.tags as string[] | undefined) ?? [];
export const failingCells = (r: LessonRun) => r.reports.filter((report) => report.status !== "ok");
export const failingCellIds = (r: LessonRun) => failingCells(r).map((report) => report.cell.id);
/** Which cells failed and what they showed, for an assertion's message. */
export const failureDetails = (r: LessonRun) => JSON.stringify(failingCells(r).map((report) => [report.cell.id, report.outputs]));
export const checkCellIds = (r: LessonRun) =>
  r.reports.filter((report) => tagsOf(report).includes("check")).map((report) => report.cell.id);
/** The W a lesson printed ("W = 2 workers"). */
export const printedWorkers = (r: LessonRun) => Number(/W = (\d+) workers/.exec(allStdout(r))?.[1]);
