// `--feedback DIR`: each submission as it was graded, a notebook the student can open: their
// cells with the outputs of the run, the source's checks in place of theirs, each exercise's
// result under its last check, and a summary first.
import type { IDisplayData } from "@jupyterlab/nbformat";
import { mkdirSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { Cell, Notebook, toLines, writeNotebook } from "../../../client/notebook-file";
import type { RunPlan } from "../run-plan";
import type { ExerciseGrade, SubmissionGrade } from "../scoring";

function resultLine(exercise: ExerciseGrade): string {
  const points = `${exercise.points}/${exercise.max} points`;
  if (exercise.status === "passed") return `✓ ${exercise.name}: passed (${points})`;
  if (exercise.status === "ungraded") return `? ${exercise.name}: not graded: ${exercise.message}`;
  return `✗ ${exercise.name} (${points}): ${exercise.message}`;
}

function resultOutput(exercise: ExerciseGrade): IDisplayData {
  const text = resultLine(exercise);
  return { output_type: "display_data", data: { "text/plain": text, "text/markdown": `**${text}**` }, metadata: {} };
}

function summaryCell(grade: SubmissionGrade): Cell {
  const lines = [`# Graded by tsray: ${grade.total} of ${grade.max} points`, "", ...grade.exercises.map((e) => `- ${resultLine(e)}`)];
  return { cell_type: "markdown", metadata: { tsray: { feedback: true } }, source: toLines(lines.join("\n")) };
}

export function feedbackNotebook(submission: Notebook, plan: RunPlan, grade: SubmissionGrade): Notebook {
  const cells = plan.cells.map((planned) => planned.cell);
  for (const exercise of grade.exercises) {
    const last = plan.cells.filter((planned) => planned.check?.exercise === exercise.name).pop();
    if (last) last.cell.outputs = [...((last.cell.outputs as IDisplayData[] | undefined) ?? []), resultOutput(exercise)];
  }
  return { ...submission, cells: [summaryCell(grade), ...cells] };
}

/** A file name per submission: its own, or its path (slashes made underscores) where two share a name. */
export function feedbackNames(files: string[]): string[] {
  const names = files.map((file) => basename(file));
  const shared = (name: string) => names.filter((other) => other === name).length > 1;
  return files.map((file, i) => (shared(names[i]) ? relative(".", file).replace(/[\\/]/g, "_") : names[i]));
}

export function writeFeedback(dir: string, name: string, notebook: Notebook): void {
  mkdirSync(dir, { recursive: true });
  writeNotebook(join(dir, name), notebook);
}
