// `--gradebook FILE.csv`: a row per submission, a column per exercise (its points), the
// total and the maximum, and a note (why a submission was not graded). RFC 4180 quoting;
// what a spreadsheet opens.
import { writeFileSync } from "node:fs";
import type { SubmissionGrade } from "../scoring";

function field(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The exercises in the order they first appear: a class graded against one lesson has that lesson's. */
function exerciseColumns(grades: SubmissionGrade[]): string[] {
  return [...new Set(grades.flatMap((grade) => grade.exercises.filter((e) => e.status !== "ungraded").map((e) => e.name)))];
}

export function gradebookCsv(grades: SubmissionGrade[]): string {
  const exercises = exerciseColumns(grades);
  const rows = [["submission", ...exercises, "total", "max", "note"]];
  for (const grade of grades) {
    const points = exercises.map((name) => grade.exercises.find((e) => e.name === name && e.status !== "ungraded")?.points ?? "");
    rows.push([grade.file, ...points.map(String), String(grade.total), String(grade.max), grade.error ?? ""]);
  }
  return rows.map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}

export function writeGradebook(path: string, grades: SubmissionGrade[]): void {
  writeFileSync(path, gradebookCsv(grades));
}
