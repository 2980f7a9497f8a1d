// `tsray grade` with real kernels: checks come from the source lesson (a student who edits,
// deletes or untags a check, or redeclares `assert`, gets the grade of the original), each
// failure kind has its own reason naming the cell, a class graded with --jobs 2 into the
// JSON, a gradebook and feedback notebooks that agree with what was graded, Gradescope's
// results.json, and the exit codes.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TSRAY_BIN } from "../client/tsray-bin";

function tsray(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [TSRAY_BIN, ...args], { cwd, encoding: "utf8", timeout: 600_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface CellSpec {
  id?: string;
  source: string;
  tags?: string[];
  tsray?: Record<string, unknown>;
  type?: "code" | "markdown";
}

function notebook(cells: CellSpec[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map(({ id, source, tags, tsray, type = "code" }) => ({
      ...(id ? { id } : {}),
      cell_type: type,
      metadata: { ...(tags ? { tags } : {}), ...(tsray ? { tsray } : {}) },
      source,
      ...(type === "code" ? { outputs: [], execution_count: null } : {}),
    })),
  });
}

const CHECK_1 = 'assert(answer === 42, "Did you add one?");';
const CHECK_2 = 'assert.deepStrictEqual(words, ["a", "b"], "Did you list the words?");';

/** The lesson: two exercises, the first worth 2 points. */
function lesson(answer: string, words: string, edit: (cells: CellSpec[]) => CellSpec[] = (cells) => cells): string {
  return notebook(
    edit([
      { id: "intro", type: "markdown", source: "# A lesson" },
      { id: "ex1", source: answer, tags: ["exercise"] },
      { id: "check1", source: CHECK_1, tags: ["check"], tsray: { exercise: "Exercise 1", points: 2 } },
      { id: "ex2", source: words, tags: ["exercise"] },
      { id: "check2", source: CHECK_2, tags: ["check"], tsray: { exercise: "Exercise 2" } },
    ])
  );
}

const WRONG = "const answer: number = 41;";
const RIGHT = "const answer: number = 42;";
const WORDS = 'const words = ["a", "b"];';
const withCell = (id: string, change: (cell: CellSpec) => CellSpec | null) => (cells: CellSpec[]) =>
  cells.flatMap((cell) => (cell.id === id ? [change(cell)].filter((c): c is CellSpec => c !== null) : [cell]));
const bare = (cells: CellSpec[]) => cells.map(({ source, type }) => ({ source, type }));

const SUBMISSIONS: Record<string, string> = {
  "solved.ipynb": lesson(RIGHT, WORDS),
  "wrong.ipynb": lesson(WRONG, WORDS),
  "tampered.ipynb": lesson(WRONG, WORDS, withCell("check1", (cell) => ({ ...cell, source: "assert(true);" }))),
  "deleted.ipynb": lesson(WRONG, WORDS, withCell("check1", () => null)),
  "untagged.ipynb": lesson(WRONG, WORDS, (cells) => cells.map(({ id, source, type }) => ({ id, source, type }))),
  "no-ids.ipynb": lesson(WRONG, WORDS, bare),
  "redeclared.ipynb": lesson(`${WRONG}\nconst assert = (..._: unknown[]) => {};`, WORDS),
  "mutated.ipynb": lesson(RIGHT, 'const words: string[] = [];\ntry { require("node:assert").deepStrictEqual = () => {}; } catch {}'),
  "loops.ipynb": lesson("while (true) {}", WORDS),
  "exits.ipynb": lesson("process.exit(0);", WORDS),
  "hogs.ipynb": lesson("const kept: Buffer[] = [];\nfor (;;) kept.push(Buffer.alloc(50_000_000, 1));", WORDS),
  "shouts.ipynb": lesson(
    'const answer = 42;\nfor (;;) console.log("x".repeat(100_000));',
    `${WORDS}\nrequire("node:fs").rmSync(process.cwd(), { recursive: true, force: true });`
  ),
  "chatty.ipynb": lesson(`${RIGHT}\nfor (let i = 0; i < 30; i++) console.log("y".repeat(100_000));`, WORDS),
  "typo.ipynb": lesson('const answer: number = "42";', WORDS, (cells) => [
    ...cells,
    { source: "assert(true);", tags: ["check"], tsray: { exercise: "Exercise 9" } },
  ]),
  "broken.ipynb": "{ not json",
};

/** RFC 4180: quoted when it holds a comma, a quote or a line break. */
const csvField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

interface Exercise {
  name: string;
  points: number;
  max: number;
  status: string;
  reason: string;
  message: string | null;
  checkCell: string | null;
}
interface Graded {
  file: string;
  exercises: Exercise[];
  total: number;
  max: number;
  error: string | null;
}

describe("tsray grade", function () {
  this.timeout(900_000);
  let dir: string;
  let batch: ReturnType<typeof tsray>;
  let graded: Map<string, Graded>;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "tsray-grade-test-"));
    writeFileSync(join(dir, "lesson.ipynb"), lesson("const answer: number = 0;", "const words: string[] = [];"));
    for (const [file, text] of Object.entries(SUBMISSIONS)) writeFileSync(join(dir, file), text);
    const options = ["--jobs", "2", "--timeout", "8", "--memory", "1000", "--json", "--gradebook", "grades.csv", "--feedback", "feedback"];
    batch = tsray(["grade", "--source", "lesson.ipynb", ...options, ...Object.keys(SUBMISSIONS)], dir);
    graded = new Map((JSON.parse(batch.stdout) as Graded[]).map((g) => [g.file, g]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const exercise = (file: string, name: string) => graded.get(file)!.exercises.find((e) => e.name === name)!;

  it("grades every submission of the batch, one progress line each, and exits 2 naming the unreadable one", () => {
    expect(batch.status, batch.stderr).to.equal(2);
    expect([...graded.keys()]).to.deep.equal(Object.keys(SUBMISSIONS));
    for (const file of Object.keys(SUBMISSIONS)) expect(batch.stderr).to.match(new RegExp(`\\[\\d+/15\\] ${file.replace(".", "\\.")}: `));
    expect(graded.get("broken.ipynb")!.error).to.contain("broken.ipynb is not a notebook: it is not valid JSON");
    expect(graded.get("solved.ipynb")).to.deep.include({ total: 3, max: 3, error: null });
  });

  it("gives points per exercise and the check's message", () => {
    expect(graded.get("wrong.ipynb")).to.deep.equal({
      file: "wrong.ipynb",
      exercises: [
        { name: "Exercise 1", points: 0, max: 2, status: "failed", reason: "check-failed", message: "Did you add one?", checkCell: "unchanged" },
        { name: "Exercise 2", points: 1, max: 1, status: "passed", reason: "passed", message: null, checkCell: "unchanged" },
      ],
      total: 1,
      max: 3,
      error: null,
    });
  });

  it("grades a submission that edits, deletes or untags its check, or redefines assert, as the original, noting the change", () => {
    const original = graded.get("wrong.ipynb")!;
    const cases = { "tampered.ipynb": "edited", "deleted.ipynb": "deleted", "untagged.ipynb": "untagged", "no-ids.ipynb": "untagged" };
    for (const [file, state] of Object.entries(cases)) {
      const { exercises, total, error } = graded.get(file)!;
      expect(total, `${file}: ${error ?? JSON.stringify(exercises)}`).to.equal(original.total);
      expect(exercises[0], file).to.deep.equal({ ...original.exercises[0], checkCell: state });
      const secondState = state === "untagged" ? state : "unchanged";
      expect(exercises[1], file).to.deep.equal({ ...original.exercises[1], checkCell: secondState });
    }
    expect(graded.get("redeclared.ipynb")!.exercises).to.deep.equal(original.exercises);
    expect(exercise("mutated.ipynb", "Exercise 2")).to.include({ status: "failed", reason: "check-failed" });
    expect(exercise("mutated.ipynb", "Exercise 2").message).to.match(/^Did you list the words\?/);
  });

  it("says which cell timed out, after how long, and grades the exercises after it", () => {
    const { reason, message } = exercise("loops.ipynb", "Exercise 1");
    expect(reason).to.equal("timed-out");
    expect(message).to.match(/^cell 2 \(In \[1\]\) timed out after 8\.\d s and was interrupted/);
    expect(exercise("loops.ipynb", "Exercise 2").status).to.equal("passed");
  });

  it("says in which cell the kernel died, how, that it was restarted; later exercises still pass", () => {
    const exited = exercise("exits.ipynb", "Exercise 1");
    expect(exited.reason).to.equal("kernel-died");
    expect(exited.message).to.match(/^the kernel died in cell 2 \(In \[1\]\): the process running the cells exited with code 0; it was restarted/);
    const hog = exercise("hogs.ipynb", "Exercise 1");
    expect(hog.reason).to.equal("kernel-died");
    expect(hog.message).to.match(/^the kernel died in cell 2 \(In \[1\]\): .* was killed for holding more than 1000 MB \(--memory\)/);
    for (const file of ["exits.ipynb", "hogs.ipynb"]) expect(exercise(file, "Exercise 2").status, file).to.equal("passed");
  });

  it("survives a cell printing without end and one deleting its working folder", () => {
    // Which bound stops it first, its time or the memory its unsent output takes, depends on the machine's speed.
    expect(exercise("shouts.ipynb", "Exercise 1").reason).to.be.oneOf(["timed-out", "kernel-died"]);
    expect(exercise("shouts.ipynb", "Exercise 2").status).to.equal("passed");
    const printed = (file: string) => JSON.parse(readFileSync(join(dir, "feedback", file), "utf8")).cells[2].outputs[0].text.join("");
    expect(printed("shouts.ipynb").length).to.be.below(1_000_100);
    expect(exercise("chatty.ipynb", "Exercise 1").status, "3 MB printed, then the answer").to.equal("passed");
    expect(printed("chatty.ipynb")).to.match(/^(y{100000}\n){9}y{99991}\n\[tsray: output cut off after 1000000 characters\]\n$/);
  });

  it("gives a compile error with the student's cell and line, and names an exercise the source has no check for", () => {
    expect(exercise("typo.ipynb", "Exercise 1")).to.deep.include({
      reason: "compile-error",
      message: "cell 2 (In [1]) did not compile: line 1, column 7: Type 'string' is not assignable to type 'number'.",
    });
    expect(exercise("typo.ipynb", "Exercise 9")).to.deep.include({ status: "ungraded", reason: "no-check-in-source", points: 0, max: 0 });
  });

  it("writes a gradebook whose rows are what was graded", () => {
    const rows = readFileSync(join(dir, "grades.csv"), "utf8").trimEnd().split("\r\n");
    expect(rows[0]).to.equal("submission,Exercise 1,Exercise 2,total,max,note");
    expect(rows).to.have.length(Object.keys(SUBMISSIONS).length + 1);
    for (const [i, file] of Object.keys(SUBMISSIONS).entries()) {
      const g = graded.get(file)!;
      const points = g.error ? ["", ""] : g.exercises.slice(0, 2).map((e) => String(e.points));
      expect(rows[i + 1], file).to.equal([file, ...points, g.total, g.max, csvField(g.error ?? "")].join(","));
    }
  });

  it("writes each submission as graded, with outputs, the source's checks and the results, as a notebook", () => {
    const feedback = JSON.parse(readFileSync(join(dir, "feedback", "tampered.ipynb"), "utf8"));
    const text = (value: string | string[]) => (Array.isArray(value) ? value.join("") : value);
    expect(text(feedback.cells[0].source)).to.contain("Graded by tsray: 1 of 3 points");
    const check = feedback.cells[3];
    expect(text(check.source)).to.equal(CHECK_1);
    expect(check.outputs.map((o: { output_type: string }) => o.output_type)).to.deep.equal(["error", "display_data"]);
    expect(check.outputs[1].data["text/plain"]).to.equal("✗ Exercise 1 (0/2 points): Did you add one?");
    const deleted = JSON.parse(readFileSync(join(dir, "feedback", "deleted.ipynb"), "utf8"));
    expect(text(deleted.cells[3].source), "the deleted check is back after its exercise").to.equal(CHECK_1);
  });

  it("writes Gradescope's results.json for one submission; exit 0 when all passed", () => {
    const run = tsray(["grade", "--source", "lesson.ipynb", "--gradescope", "results", "solved.ipynb"], dir);
    expect(run.status, run.stderr).to.equal(0);
    const results = JSON.parse(readFileSync(join(dir, "results", "results.json"), "utf8"));
    expect(results).to.deep.include({
      score: 3,
      tests: [
        { name: "Exercise 1", score: 2, max_score: 2, status: "passed", output: "passed" },
        { name: "Exercise 2", score: 1, max_score: 1, status: "passed", output: "passed" },
      ],
    });
  });

  it("prints each exercise with its points in the terminal, notes a changed check, and exits 1 when one failed", () => {
    const { status, stdout } = tsray(["grade", "--source", "lesson.ipynb", "tampered.ipynb"], dir);
    expect(status).to.equal(1);
    expect(stdout).to.contain("✗ Exercise 1 (0/2): Did you add one?\n      (its check cell was edited in the submission; the source's check ran)");
    expect(stdout).to.contain("✓ Exercise 2 (1/1): passed");
    expect(stdout).to.contain("1 of 3 points");
    expect(stdout, "no colour codes when piped").not.to.contain("\x1b[");
  });

  it("says in one line (exit 2), before any kernel starts, what is wrong with a source", () => {
    writeFileSync(join(dir, "plain.ipynb"), notebook([{ source: "1 + 1" }]));
    const cases: [string[], string][] = [
      [["--source", "nope.ipynb"], "tsray: no such notebook: nope.ipynb"],
      [["--source", "plain.ipynb"], 'tsray: plain.ipynb has no exercises to grade (no code cell is tagged "check")'],
    ];
    for (const [args, message] of cases) {
      const { status, stdout, stderr } = tsray(["grade", ...args, "solved.ipynb"], dir);
      expect(status, message).to.equal(2);
      expect(stdout).to.equal("");
      expect(stderr.trim()).to.equal(message);
    }
    const unnamed = tsray(["grade", "--json", "solved.ipynb"], dir);
    expect(unnamed.status).to.equal(2);
    expect(JSON.parse(unnamed.stdout)[0].error).to.equal(
      "no lesson is named like solved.ipynb: say which lesson's checks to use with --source LESSON.ipynb"
    );
  });
});
