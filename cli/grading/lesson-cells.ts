// What a notebook's cells say about grading (API.md section 6): exercise cells carry the tag
// `exercise`; check cells the tag `check`, their exercise's name in `metadata.tsray.exercise`
// and what passing them is worth in `metadata.tsray.points` (1 when not given).
import { Cell, Notebook, NotebookFileError } from "../../client/notebook-file";

/** A check cell of the source (the lesson): the one the grader runs. */
export interface SourceCheck {
  /** Its position among the source's cells. */
  index: number;
  exercise: string;
  points: number;
  cell: Cell;
}

export function tagsOf(cell: Cell): string[] {
  const tags = cell.metadata?.tags;
  return Array.isArray(tags) ? tags.map(String) : [];
}

const tsrayMetadata = (cell: Cell) => (cell.metadata?.tsray ?? {}) as { exercise?: unknown; points?: unknown };

export const isCheckCell = (cell: Cell) => cell.cell_type === "code" && tagsOf(cell).includes("check");
export const isExerciseCell = (cell: Cell) => cell.cell_type === "code" && tagsOf(cell).includes("exercise");

/** The exercise a check cell claims, if it names one (a submission's cells may not). */
export function claimedExercise(cell: Cell): string | null {
  const name = tsrayMetadata(cell).exercise;
  return typeof name === "string" && name.trim() !== "" ? name : null;
}

function pointsOf(cell: Cell, where: string): number {
  const points = tsrayMetadata(cell).points ?? 1;
  if (typeof points !== "number" || !Number.isFinite(points) || points < 0) {
    throw new NotebookFileError(`${where} has metadata.tsray.points ${JSON.stringify(points)}; give a number of points, 0 or more`);
  }
  return points;
}

/** The source's check cells in notebook order; a source without any cannot grade anything. */
export function sourceChecks(notebook: Notebook, path: string): SourceCheck[] {
  const checks = notebook.cells.flatMap((cell, index) => {
    if (!isCheckCell(cell)) return [];
    const where = `${path}: the check cell at position ${index + 1}`;
    const exercise = claimedExercise(cell);
    if (exercise === null) throw new NotebookFileError(`${where} has no metadata.tsray.exercise naming its exercise`);
    return [{ index, exercise, points: pointsOf(cell, where), cell }];
  });
  if (checks.length === 0) throw new NotebookFileError(`${path} has no exercises to grade (no code cell is tagged "check")`);
  return checks;
}
