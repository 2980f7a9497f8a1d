// A submission's grade from the outcomes of its run: each check passes or fails with a
// reason a teacher can act on (the check's message; or the cell before it that timed out,
// died or did not compile, which is why the check could not pass), and earns its points.
// An exercise is passed when all its checks are; its points are theirs summed.
import type { CellOutcome } from "./cell-outcome";
import { CheckCellState, describePosition, PlannedCell, RunPlan } from "./run-plan";

export type Reason = "passed" | "check-failed" | "timed-out" | "kernel-died" | "compile-error" | "no-check-in-source";

export interface ExerciseGrade {
  name: string;
  points: number;
  max: number;
  status: "passed" | "failed" | "ungraded";
  reason: Reason;
  message: string | null;
  /** What the submission did to the exercise's check cell (the source's ran either way). */
  checkCell: CheckCellState | null;
}

export interface SubmissionGrade {
  file: string;
  exercises: ExerciseGrade[];
  total: number;
  max: number;
  /** Why the submission could not be graded at all (unreadable, no source), else null. */
  error: string | null;
}

interface Verdict {
  reason: Reason;
  message: string | null;
}

function cellName(planned: PlannedCell, outcome: CellOutcome): string {
  const count = "executionCount" in outcome && outcome.executionCount !== null ? ` (In [${outcome.executionCount}])` : "";
  return `${describePosition(planned)}${count}`;
}

/** Why a cell that timed out, died or did not compile fails the check after it; null for other outcomes. */
function blame(planned: PlannedCell, outcome: CellOutcome): Verdict | null {
  const name = cellName(planned, outcome);
  switch (outcome.kind) {
    case "timed-out": {
      const restarted = outcome.restarted ? "; it did not stop, so the kernel was restarted" : "";
      return { reason: "timed-out", message: `${name} timed out after ${outcome.seconds.toFixed(1)} s and was interrupted${restarted}` };
    }
    case "died":
      return { reason: "kernel-died", message: `the kernel died in ${name}: the process running the cells ${outcome.how}; it was restarted, and what earlier cells had defined was lost` };
    case "compile-error":
      return { reason: "compile-error", message: `${name} did not compile: ${outcome.diagnostic}` };
    case "not-run":
      return { reason: "timed-out", message: `not reached: ${outcome.because}` };
    default:
      return null;
  }
}

function verdictOf(plan: RunPlan, outcomes: (CellOutcome | null)[], at: number): Verdict {
  const own = outcomes[at];
  if (own?.kind === "ok") return { reason: "passed", message: null };
  const ownBlame = own && own.kind !== "compile-error" ? blame(plan.cells[at], own) : null;
  if (ownBlame) return ownBlame;
  const earlier = (from: number) =>
    plan.cells.slice(from, at).flatMap((planned, offset) => {
      const outcome = outcomes[from + offset];
      return outcome ? [blame(planned, outcome)].filter((v): v is Verdict => v !== null) : [];
    });
  // The cells since the previous check are the exercise's own: the first of them to go wrong is the cause.
  const previousCheck = plan.cells.slice(0, at).map((planned) => planned.check !== null).lastIndexOf(true);
  const inExercise = earlier(previousCheck + 1);
  if (inExercise.length > 0) return inExercise[0];
  // A death anywhere before lost everything the check might need.
  const death = earlier(0).find((verdict) => verdict.reason === "kernel-died");
  if (death) return death;
  const message = own?.kind === "compile-error" ? own.diagnostic : own?.kind === "error" ? own.message : "the check did not run";
  return { reason: "check-failed", message };
}

function exerciseGrade(name: string, checks: { planned: PlannedCell; verdict: Verdict }[]): ExerciseGrade {
  const failed = checks.find(({ verdict }) => verdict.reason !== "passed");
  const sum = (of: (check: (typeof checks)[number]) => number) => checks.reduce((total, check) => total + of(check), 0);
  const changed = checks.map(({ planned }) => planned.checkState).find((state) => state !== "unchanged");
  return {
    name,
    points: sum(({ planned, verdict }) => (verdict.reason === "passed" ? (planned.check?.points ?? 0) : 0)),
    max: sum(({ planned }) => planned.check?.points ?? 0),
    status: failed ? "failed" : "passed",
    reason: failed?.verdict.reason ?? "passed",
    message: failed?.verdict.message ?? null,
    checkCell: changed ?? "unchanged",
  };
}

function ungraded(name: string): ExerciseGrade {
  const message = `the source has no check for ${name}; the submission's own check cell ran as the student's code and counts for nothing`;
  return { name, points: 0, max: 0, status: "ungraded", reason: "no-check-in-source", message, checkCell: null };
}

export function gradeOf(file: string, plan: RunPlan, outcomes: (CellOutcome | null)[]): SubmissionGrade {
  const byExercise = new Map<string, { planned: PlannedCell; verdict: Verdict }[]>();
  plan.cells.forEach((planned, at) => {
    if (!planned.check) return;
    const list = byExercise.get(planned.check.exercise) ?? [];
    byExercise.set(planned.check.exercise, [...list, { planned, verdict: verdictOf(plan, outcomes, at) }]);
  });
  const exercises = [...byExercise].map(([name, checks]) => exerciseGrade(name, checks)).concat(plan.exercisesWithoutSourceCheck.map(ungraded));
  const total = exercises.reduce((sum, exercise) => sum + exercise.points, 0);
  const max = exercises.reduce((sum, exercise) => sum + exercise.max, 0);
  return { file, exercises, total, max, error: null };
}

/** A submission that could not be graded: no exercises, nothing earned. */
export function ungradable(file: string, error: string): SubmissionGrade {
  return { file, exercises: [], total: 0, max: 0, error };
}
