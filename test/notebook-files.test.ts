// The saved lessons: notebooks in the repository carry no outputs (a run's outputs belong
// to the learner, and timings would churn every diff), and each solution is its lesson
// with its exercise cells solved (it may add cells, e.g. to measure a gain).
import { expect } from "chai";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { readNotebook, cellSource } from "../client/notebook-file";

const PROJECT = resolve(__dirname, "../..");
const notebooksIn = (folder: string) =>
  readdirSync(join(PROJECT, folder))
    .filter((name) => name.endsWith(".ipynb"))
    .map((name) => ({ name, path: join(folder, name) }));

describe("saved notebooks", () => {
  const all = [...notebooksIn("notebooks"), ...notebooksIn("solutions")];

  it("exist in notebooks/ and solutions/", () => {
    expect(notebooksIn("notebooks").length).to.be.greaterThan(1);
    expect(notebooksIn("solutions").length).to.be.greaterThan(0);
  });

  for (const { path } of all) {
    it(`${path} has no outputs, no execution counts, cell ids and the tsray kernelspec`, () => {
      const notebook = readNotebook(join(PROJECT, path));
      expect(notebook.metadata.kernelspec?.name).to.equal("tsray");
      for (const cell of notebook.cells) {
        expect(cell.id, `a cell of ${path} has no id`).to.be.a("string");
        if (cell.cell_type !== "code") continue;
        expect(cell.outputs, `cell ${cell.id}`).to.deep.equal([]);
        expect(cell.execution_count, `cell ${cell.id}`).to.equal(null);
      }
    });
  }

  for (const { name, path } of notebooksIn("solutions")) {
    it(`${path} is its lesson with the exercise cells solved (and maybe cells added)`, () => {
      const lesson = readNotebook(join(PROJECT, "notebooks", name));
      const solution = readNotebook(join(PROJECT, path));
      const solved = new Map(solution.cells.map((cell) => [cell.id, cell]));
      const kept = solution.cells.map((cell) => cell.id).filter((id) => lesson.cells.some((cell) => cell.id === id));
      expect(kept, "the lesson's cells, in the lesson's order").to.deep.equal(lesson.cells.map((cell) => cell.id));
      const changed = lesson.cells.filter((cell) => cellSource(cell) !== cellSource(solved.get(cell.id)!));
      expect(changed, "a solution changes at least one cell").not.to.be.empty;
      for (const cell of changed) expect(cell.metadata.tags, `cell ${cell.id}`).to.include("exercise");
    });
  }
});
