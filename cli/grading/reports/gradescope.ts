// `--gradescope DIR`: DIR/results.json in the format Gradescope's autograder reads
// (https://gradescope-autograders.readthedocs.io/en/latest/specs/): one test per exercise.
// Gradescope runs the grader once per student, so this is for one submission.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SubmissionGrade } from "../scoring";

export function gradescopeResults(grade: SubmissionGrade, seconds: number) {
  return {
    score: grade.total,
    execution_time: Math.round(seconds),
    ...(grade.error ? { output: `not graded: ${grade.error}` } : {}),
    tests: grade.exercises
      .filter((exercise) => exercise.status !== "ungraded")
      .map((exercise) => ({
        name: exercise.name,
        score: exercise.points,
        max_score: exercise.max,
        status: exercise.status === "passed" ? "passed" : "failed",
        output: exercise.message ?? "passed",
      })),
  };
}

export function writeGradescope(dir: string, grade: SubmissionGrade, seconds: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "results.json"), JSON.stringify(gradescopeResults(grade, seconds), null, 2) + "\n");
}
