// Lesson 02 and its solution, run once each through the real kernel: which cells fail,
// what the grader says, and whether the timings land where the lesson's text says for
// this machine's number of workers W.
import { expect } from "chai";
import type { CellReport } from "../client/notebook-runner";
import {
  LessonRun,
  runLessonAndSolution,
  gradeRun,
  text,
  stdout,
  allStdout,
  failingCellIds,
  failureDetails,
  checkCellIds,
  printedWorkers,
} from "./support/lesson-run";
import { barCount, isWellFormedXml } from "./support/svg";

const LESSON = "02-Task-Parallelism-Part1.ipynb";



/** A cell's printed expectation and measured total, as the lesson prints them. */
function timings(report: CellReport) {
  const out = stdout(report.outputs);
  const expected = /expected ≈ ([\d.]+) s/.exec(out);
  const total = /Total time: duration: +([\d.]+) seconds/.exec(out);
  return expected && total ? { expected: Number(expected[1]), total: Number(total[1]), out } : null;
}

/** The FIFO rule of API.md section 2, worked out independently of the lesson's code. */
function fifoFinish(lengths: number[], workers: number): number {
  const freeAt = new Array<number>(workers).fill(0);
  for (const length of lengths) freeAt.sort((a, b) => a - b)[0] += length;
  return Math.max(...freeAt);
}

describe("lesson 02, task parallelism part 1 (about 100 s)", function () {
  let lesson: LessonRun;
  let solution: LessonRun;
  let W: number;
  before(async function () {
    this.timeout(400_000);
    ({ lesson, solution } = await runLessonAndSolution(LESSON));
    W = printedWorkers(lesson);
  });

  it("runs every cell without error, except the unsolved exercise's check in the lesson", () => {
    expect(failingCellIds(solution), failureDetails(solution)).to.deep.equal([]);
    const checks = checkCellIds(lesson);
    expect(failingCellIds(lesson), failureDetails(lesson)).to.deep.equal(checks);
  });

  it("grades the solution as passing and the lesson as failing Exercise 1 on parallelism", () => {
    expect(gradeRun(solution).exercises).to.deep.equal([{ name: "Exercise 1", points: 1, max: 1, status: "passed", reason: "passed", message: null, checkCell: "unchanged" }]);
    const [exercise] = gradeRun(lesson).exercises;
    expect(exercise.status).to.equal("failed");
    expect(exercise.reason).to.equal("check-failed");
    expect(exercise.message).to.match(/^Did you run the tasks in parallel\? They took 6\.\d+ s\.$/);
  });

  it("prints for this machine's W the totals the text explains, and measures them", () => {
    expect(W).to.be.greaterThan(0);
    for (const r of [lesson, solution]) {
      const timed = r.reports.map(timings).filter((t) => t !== null);
      // serial, get in the loop, all at once (twice), 2W tasks on W workers
      expect(timed.map((t) => t.expected)).to.deep.equal([10, 10, fifoFinish([0, 1, 2, 3, 4], W), fifoFinish([0, 1, 2, 3, 4], W), 3 * W - 2]);
      for (const { expected, total, out } of timed) {
        expect(total, out).to.be.within(expected - 0.01, expected * 1.03 + 0.1);
      }
    }
  });

  it("times Exercise 1 at 6 s unsolved and under 4.1 s solved", () => {
    const exerciseTime = (r: LessonRun) => Number(/Exercise 1: duration: +([\d.]+)/.exec(allStdout(r))?.[1]);
    expect(exerciseTime(lesson)).to.be.within(6, 6.2);
    expect(exerciseTime(solution)).to.be.below(4.1);
  });

  it("tabulates and draws the 2W-task schedule: a row per worker, a bar per task", () => {
    for (const r of [lesson, solution]) {
      const rich = r.reports.flatMap((report) => report.outputs).filter((o) => o.output_type === "display_data");
      const table = text(rich.map((o) => (o.data as Record<string, unknown>)["text/markdown"]).find(Boolean));
      // Every task of the batch appears once, on the worker that ran it.
      const ran = table.split("\n").filter((line) => /^\| worker \d/.test(line)).flatMap((line) => line.split("|")[2].split(",").map(Number));
      expect(ran.sort((a, b) => a - b), table).to.deep.equal(Array.from({ length: 2 * W }, (_, n) => n));
      const chart = rich.find((o) => (o.data as Record<string, unknown>)["image/svg+xml"]);
      const data = chart?.data as Record<string, any>;
      const svg = text(data["image/svg+xml"]);
      expect(isWellFormedXml(svg)).to.equal(true);
      expect(barCount(svg)).to.equal(2 * W);
      expect(data["application/vnd.vegalite.v5+json"].data.values).to.have.length(2 * W);
    }
  });
});
