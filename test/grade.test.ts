// `tsray grade` on small notebooks: the report, --json, exit codes, one-line errors.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TSRAY_BIN } from "../client/tsray-bin";

function tsray(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [TSRAY_BIN, ...args], { cwd, encoding: "utf8", timeout: 90_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface CellSpec {
  source: string;
  tags?: string[];
  exercise?: string;
}

function notebook(cells: CellSpec[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map(({ source, tags, exercise }) => ({
      cell_type: "code",
      metadata: { ...(tags ? { tags } : {}), ...(exercise ? { tsray: { exercise } } : {}) },
      source,
      outputs: [],
      execution_count: null,
    })),
  });
}

const check = (exercise: string, source: string): CellSpec => ({ source, tags: ["check"], exercise });

describe("tsray grade", function () {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "tsray-grade-"));
    writeFileSync(
      join(dir, "mixed.ipynb"),
      notebook([
        { source: "const answer: number = 41;", tags: ["exercise"] },
        check("Exercise 1", 'assert(answer === 42, "Did you add one?");'),
        { source: "const words = ['a', 'b'];", tags: ["exercise"] },
        check("Exercise 2", 'assert.deepStrictEqual(words, ["a", "b"], "Did you list the words?");'),
        { source: 'throw new Error("an unrelated cell fails");' },
        check("Exercise 3", "assert(missing === 1);"),
        check("Exercise 2", 'assert(words.length === 2, "Two words?");'),
      ])
    );
    writeFileSync(join(dir, "solved.ipynb"), notebook([{ source: "const x = 2;", tags: ["exercise"] }, check("Exercise 1", 'assert(x > 1, "x > 1");')]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reports each exercise, keeps running after errors, and exits 1 when one fails", () => {
    const { status, stdout } = tsray(["grade", "mixed.ipynb"], dir);
    expect(status, stdout).to.equal(1);
    expect(stdout).to.contain("✗ Exercise 1: Did you add one?");
    expect(stdout).to.contain("✓ Exercise 2: passed");
    expect(stdout).to.match(/✗ Exercise 3: TSError: .*Cannot find name 'missing'/);
    expect(stdout).to.contain("1 of 3 exercises passed");
    expect(stdout, "no colour codes when piped").not.to.contain("\x1b[");
  });

  it("--json gives notebook, exercises and totals; exit 0 when all pass", () => {
    const { status, stdout } = tsray(["grade", "--json", "solved.ipynb", "mixed.ipynb"], dir);
    expect(status).to.equal(1);
    const report = JSON.parse(stdout);
    expect(report.notebooks).to.have.length(2);
    expect(report.notebooks[0]).to.deep.equal({
      notebook: "solved.ipynb",
      exercises: [{ name: "Exercise 1", passed: true, message: null }],
      totals: { passed: 1, failed: 0, total: 1 },
    });
    expect(report.notebooks[1].exercises[0]).to.deep.equal({ name: "Exercise 1", passed: false, message: "Did you add one?" });
    expect(report.totals).to.deep.equal({ passed: 2, failed: 2, total: 4 });

    const solved = tsray(["grade", "--json", "solved.ipynb"], dir);
    expect(solved.status).to.equal(0);
    expect(JSON.parse(solved.stdout).totals).to.deep.equal({ passed: 1, failed: 0, total: 1 });
  });

  it("fails an exercise whose check cell runs past --timeout, with the interruption as its message", () => {
    writeFileSync(join(dir, "slow.ipynb"), notebook([check("Exercise 1", "time.sleep(30);")]));
    const started = Date.now();
    const { status, stdout } = tsray(["grade", "--json", "--timeout", "1", "slow.ipynb"], dir);
    expect(status).to.equal(1);
    expect(JSON.parse(stdout).notebooks[0].exercises[0].message).to.contain("KeyboardInterrupt");
    expect(Date.now() - started).to.be.below(20_000);
  });

  it("says in one line (exit 2) what is wrong with a missing, malformed or exercise-less notebook", () => {
    writeFileSync(join(dir, "broken.ipynb"), "{ not json");
    writeFileSync(join(dir, "plain.ipynb"), notebook([{ source: "1 + 1" }]));
    const cases: [string, string][] = [
      ["nope.ipynb", "tsray: no such notebook: nope.ipynb"],
      ["broken.ipynb", "tsray: broken.ipynb is not a notebook: it is not valid JSON"],
      ["plain.ipynb", 'tsray: plain.ipynb has no exercises to grade (no code cell is tagged "check")'],
    ];
    for (const [file, message] of cases) {
      const { status, stdout, stderr } = tsray(["grade", "solved.ipynb", file], dir);
      expect(status, file).to.equal(2);
      expect(stdout, "nothing is graded when one argument is bad").to.equal("");
      expect(stderr.trim().split("\n"), stderr).to.have.length(1);
      expect(stderr.trim()).to.contain(message);
    }
  });
});
