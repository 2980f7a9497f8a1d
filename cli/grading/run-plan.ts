// What runs when a submission is graded, in which order: the submission's own cells as the
// student left them, except that every check is the source's. A check the student edited
// is swapped for the source's; one they deleted (or that cannot be found) goes back after
// the cell it followed in the source. So editing, deleting or untagging a check changes
// nothing but the note the report makes of it.
import type { Cell, Notebook } from "../../client/notebook-file";
import { cellSource } from "../../client/notebook-file";
import { claimedExercise, isCheckCell, SourceCheck, tagsOf } from "./lesson-cells";
import { matchCells } from "./matching";

/** What became of a check cell in the submission. */
export type CheckCellState = "unchanged" | "edited" | "deleted" | "untagged";

export interface PlannedCell {
  /** A copy to run and to show in the feedback notebook (outputs are written into it). */
  cell: Cell;
  /** Its position in the submission file (1-based), null for a check put back from the source. */
  submissionPosition: number | null;
  check: SourceCheck | null;
  checkState: CheckCellState | null;
}

export interface RunPlan {
  cells: PlannedCell[];
  /** Exercises the submission has check cells for but the source does not. */
  exercisesWithoutSourceCheck: string[];
}

/** How a cell is named to a teacher: its place in the submission, or that it is the source's check put back. */
export function describePosition(planned: PlannedCell): string {
  if (planned.submissionPosition !== null) return `cell ${planned.submissionPosition}`;
  return `the check of ${planned.check?.exercise} (put back from the source)`;
}

/** A cell to run: a code cell starts without the outputs it was saved with (a cell that never runs shows none). */
function copy(cell: Cell): Cell {
  const fresh = structuredClone(cell);
  return fresh.cell_type === "code" ? { ...fresh, outputs: [], execution_count: null } : fresh;
}

function stateOf(check: SourceCheck, theirs: Cell): CheckCellState {
  if (cellSource(theirs) !== cellSource(check.cell)) return "edited";
  const tagged = tagsOf(theirs).includes("check") && claimedExercise(theirs) === check.exercise;
  return tagged ? "unchanged" : "untagged";
}

/** Where a check missing from the submission goes: after the counterpart of the nearest source cell before it. */
function anchorOf(check: SourceCheck, match: (number | null)[]): number {
  for (let index = check.index - 1; index >= 0; index--) {
    const counterpart = match[index];
    if (counterpart !== null) return counterpart;
  }
  return -1;
}

export function planRun(source: Notebook, checks: SourceCheck[], submission: Notebook): RunPlan {
  const match = matchCells(source, submission);
  const checkAt = new Map<number, SourceCheck>();
  const putBackAfter = new Map<number, SourceCheck[]>();
  for (const check of checks) {
    const theirs = match[check.index];
    if (theirs !== null) checkAt.set(theirs, check);
    else putBackAfter.set(anchorOf(check, match), [...(putBackAfter.get(anchorOf(check, match)) ?? []), check]);
  }
  const putBack = (anchor: number): PlannedCell[] =>
    (putBackAfter.get(anchor) ?? []).map((check) => ({ cell: copy(check.cell), submissionPosition: null, check, checkState: "deleted" }));
  const cells = [...putBack(-1)];
  submission.cells.forEach((cell, index) => {
    const check = checkAt.get(index);
    cells.push(
      check
        ? { cell: copy(check.cell), submissionPosition: index + 1, check, checkState: stateOf(check, cell) }
        : { cell: copy(cell), submissionPosition: index + 1, check: null, checkState: null },
      ...putBack(index)
    );
  });
  const known = new Set(checks.map((check) => check.exercise));
  const claimed = submission.cells.filter(isCheckCell).map(claimedExercise);
  const exercisesWithoutSourceCheck = [...new Set(claimed.filter((name): name is string => name !== null && !known.has(name)))];
  return { cells, exercisesWithoutSourceCheck };
}
