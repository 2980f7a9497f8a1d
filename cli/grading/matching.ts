// Which cell of a submission is which cell of its source (the lesson). Students' editors
// keep nbformat 4.5 cell ids, so ids decide first; cells without a matching id are matched by
// their tag and exercise name (the k-th check of "Exercise 2", the k-th exercise cell), and
// last by position when the submission still has the source's layout (as many cells).
import type { Cell, Notebook } from "../../client/notebook-file";
import { claimedExercise, isCheckCell, isExerciseCell } from "./lesson-cells";

/** For each source cell, the index of its counterpart in the submission, or null. */
export type CellMatch = (number | null)[];

/** The k-th cell satisfying `kind` in `cells`, by index, for each such cell. */
function rankedBy(cells: Cell[], key: (cell: Cell) => string | null): Map<string, number> {
  const ranked = new Map<string, number>();
  const seen = new Map<string, number>();
  cells.forEach((cell, index) => {
    const k = key(cell);
    if (k === null) return;
    const rank = seen.get(k) ?? 0;
    seen.set(k, rank + 1);
    ranked.set(`${k}#${rank}`, index);
  });
  return ranked;
}

/** A check is known by its exercise's name, an exercise cell by its tag alone. */
const roleKey = (cell: Cell): string | null =>
  isCheckCell(cell) ? `check:${claimedExercise(cell)}` : isExerciseCell(cell) ? "exercise" : null;

export function matchCells(source: Notebook, submission: Notebook): CellMatch {
  const match: CellMatch = source.cells.map(() => null);
  const taken = new Set<number>();
  const claim = (sourceIndex: number, submissionIndex: number | undefined) => {
    if (match[sourceIndex] !== null || submissionIndex === undefined || taken.has(submissionIndex)) return;
    if (submission.cells[submissionIndex].cell_type !== source.cells[sourceIndex].cell_type) return;
    match[sourceIndex] = submissionIndex;
    taken.add(submissionIndex);
  };
  const byId = new Map<string, number>();
  submission.cells.forEach((cell, index) => typeof cell.id === "string" && !byId.has(cell.id) && byId.set(cell.id, index));
  source.cells.forEach((cell, index) => typeof cell.id === "string" && claim(index, byId.get(cell.id)));

  const sourceRoles = rankedBy(source.cells, roleKey);
  const submissionRoles = rankedBy(submission.cells, roleKey);
  for (const [key, index] of sourceRoles) claim(index, submissionRoles.get(key));

  if (source.cells.length === submission.cells.length) source.cells.forEach((_, index) => claim(index, index));
  return match;
}
