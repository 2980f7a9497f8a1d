// The summary of one graded submission in the terminal: each exercise with its points, and
// why it failed; a note when the student changed a check cell (its grade did not change).
import { chalk, plain } from "../../terminal-output";
import type { ExerciseGrade, SubmissionGrade } from "../scoring";

const CHANGED = {
  edited: "its check cell was edited in the submission; the source's check ran",
  deleted: "its check cell was deleted from the submission; the source's check ran",
  untagged: "its check cell lost its tags in the submission; the source's check ran",
} as const;

function exerciseLines(exercise: ExerciseGrade): string[] {
  const points = `${exercise.points}/${exercise.max}`;
  const line =
    exercise.status === "passed"
      ? chalk.green(`  ✓ ${exercise.name} (${points}): passed`)
      : exercise.status === "ungraded"
        ? chalk.yellow(`  ? ${exercise.name}: not graded: ${exercise.message}`)
        : chalk.red(`  ✗ ${exercise.name} (${points}): ${exercise.message}`);
  const state = exercise.checkCell;
  return state && state !== "unchanged" ? [line, chalk.dim(`      (${CHANGED[state]})`)] : [line];
}

export function terminalSummary(grade: SubmissionGrade): string {
  if (grade.error) return plain(chalk.red(`${chalk.bold(grade.file)}: not graded: ${grade.error}`)) + "\n";
  const allPassed = grade.exercises.every((exercise) => exercise.status !== "failed");
  const lines = [chalk.bold(grade.file), ...grade.exercises.flatMap(exerciseLines)];
  lines.push((allPassed ? chalk.green : chalk.red)(`  ${grade.total} of ${grade.max} points`));
  return plain(lines.join("\n")) + "\n";
}
