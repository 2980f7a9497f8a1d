// Lesson 03 and its solution, run once each through the real kernel: which cells fail, what
// the grader says, whether the dependency and ray.wait timings land where the lesson's text
// says for this machine's number of workers W, and whether its pictures are SVG.
import { expect } from "chai";
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
import { isWellFormedXml } from "./support/svg";

const LESSON = "03-Task-Parallelism-Part2.ipynb";



interface Batch {
  count: number;
  at: number;
}

/**
 * The five chains (makeArray(10k) then addArrays(r, r), k = 0..4, each step k seconds) on W
 * workers, worked out here step by step rather than with the lesson's code: at every moment a
 * free worker takes the oldest submitted task whose input exists.
 */
function chainEnds(workers: number): number[] {
  const tasks = [0, 1, 2, 3, 4].flatMap((k) => [{ length: k, needs: -1 }, { length: k, needs: 2 * k }]);
  const end: number[] = tasks.map(() => NaN);
  let running: number[] = []; // indices of tasks running now
  let now = 0;
  while (end.some(Number.isNaN)) {
    running = running.filter((i) => end[i] > now);
    const startable = tasks.findIndex((t, i) => Number.isNaN(end[i]) && (t.needs < 0 || end[t.needs] <= now));
    if (running.length < workers && startable >= 0) {
      end[startable] = now + tasks[startable].length;
      running.push(startable);
    } else {
      now = Math.min(...running.map((i) => end[i]).filter((t) => t > now), ...end.filter((t) => t > now));
    }
  }
  return end.filter((_, i) => i % 2 === 1);
}

/** A wait loop's rounds with numReturns (clamped) and a timeout, from the chains' end times. */
function rounds(ends: number[], numReturns: number, timeout: number): Batch[] {
  const left = [...ends].sort((a, b) => a - b);
  const batches: Batch[] = [];
  for (let now = 0; left.length > 0; ) {
    const goal = left[Math.min(numReturns, left.length) - 1];
    now = goal <= now + timeout ? Math.max(now, goal) : now + timeout;
    let count = 0;
    while (count < numReturns && left.length > 0 && left[0] <= now) left.shift(), count++;
    batches.push({ count, at: now });
  }
  return batches;
}

/** Printed lines "got N at T s" of each cell that has them, one list per wait loop. */
function measuredLoops(r: LessonRun): Batch[][] {
  return r.reports
    .map((report) => [...stdout(report.outputs).matchAll(/^got (\d+) at +([\d.]+) s/gm)].map((m) => ({ count: Number(m[1]), at: Number(m[2]) })))
    .filter((loop) => loop.length > 0);
}

/** The lesson's printed predictions, "expected batches for W = w: 1 at 0.0 s, ...". */
function printedLoops(r: LessonRun): Batch[][] {
  return [...allStdout(r).matchAll(/^expected batches for W = \d+: (.*)$/gm)].map((m) =>
    [...m[1].matchAll(/(\d+) at ([\d.]+) s/g)].map((b) => ({ count: Number(b[1]), at: Number(b[2]) })),
  );
}

const nonEmpty = (batches: Batch[]) => batches.filter((b) => b.count > 0);

describe("lesson 03, task parallelism part 2 (about 140 s)", function () {
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
    expect(checks).to.have.length(1);
    expect(failingCellIds(lesson), failureDetails(lesson)).to.deep.equal(checks);
  });

  it("grades the solution as passing Exercise 3 and the lesson as failing it on parallelism", () => {
    expect(gradeRun(solution).exercises).to.deep.equal([{ name: "Exercise 3", points: 1, max: 1, status: "passed", reason: "passed", message: null, checkCell: "unchanged" }]);
    const [exercise] = gradeRun(lesson).exercises;
    expect(exercise.name).to.equal("Exercise 3");
    expect(exercise.status).to.equal("failed");
    expect(exercise.reason).to.equal("check-failed");
    expect(exercise.message).to.match(/^Did you run the tasks in parallel\? They took 6\.\d+ s\.$/);
  });

  it("prints for this machine's W the totals of the pair and of the five chains, and measures them", () => {
    expect(W).to.be.greaterThan(0);
    const pair = W >= 2 ? 4 : 6;
    for (const r of [lesson, solution]) {
      const expected = [...allStdout(r).matchAll(/^expected ≈ ([\d.]+) s/gm)].map((m) => Number(m[1]));
      expect(expected).to.deep.equal([pair, Math.max(...chainEnds(W))]);
      // The totals that follow each expectation: the pair, then the one get.
      const totals = r.reports
        .filter((report) => /^expected ≈/m.test(stdout(report.outputs)))
        .map((report) => Number(/Total time: duration: +([\d.]+)/.exec(stdout(report.outputs))?.[1]));
      totals.forEach((total, i) => expect(total, `run ${i}`).to.be.within(expected[i] - 0.01, expected[i] * 1.03 + 0.3));
    }
  });

  it("predicts the wait loops' batches for this W and they arrive then: one by one, in pairs, with a 2.5 s timeout", () => {
    const ends = chainEnds(W);
    const wanted = [rounds(ends, 1, 10), rounds(ends, 2, 10), rounds(ends, 2, 2.5)];
    for (const r of [lesson, solution]) {
      const printed = printedLoops(r);
      expect(printed.map(nonEmpty), "the printed predictions").to.deep.equal(wanted.map(nonEmpty));
      const measured = measuredLoops(r);
      expect(measured).to.have.length(3);
      measured.forEach((loop, i) => {
        const got = nonEmpty(loop);
        const should = nonEmpty(wanted[i]);
        const shown = JSON.stringify({ got: loop, should: wanted[i] });
        expect(got.map((b) => b.count), shown).to.deep.equal(should.map((b) => b.count));
        got.forEach((b, j) => expect(b.at, shown).to.be.within(should[j].at - 0.05, should[j].at * 1.03 + 0.3));
      });
    }
  });

  it("times Exercise 3 at 6 s unsolved and under 4.1 s solved", () => {
    const exerciseTime = (r: LessonRun) => Number(/Exercise 3: duration: +([\d.]+)/.exec(allStdout(r))?.[1]);
    expect(exerciseTime(lesson)).to.be.within(6, 6.2);
    expect(exerciseTime(solution)).to.be.below(4.1);
  });

  it("draws the local vs remote timings as a log-log chart and the architecture as SVG", () => {
    for (const r of [lesson, solution]) {
      const rich = r.reports.flatMap((report) => report.outputs).filter((o) => o.output_type === "display_data");
      const svgs = rich.map((o) => text((o.data as Record<string, unknown>)["image/svg+xml"])).filter(Boolean);
      expect(svgs).to.have.length(2);
      for (const svg of svgs) {
        expect(isWellFormedXml(svg)).to.equal(true);
        expect(svg).to.match(/^<svg /);
        expect(svg).to.match(/<(path|rect|line|text)\b/);
      }
      const chart = rich.find((o) => (o.data as Record<string, unknown>)["application/vnd.vegalite.v5+json"]);
      const spec = (chart?.data as Record<string, any>)["application/vnd.vegalite.v5+json"];
      expect(spec.encoding.x.scale.type).to.equal("log");
      expect(spec.encoding.y.scale.type).to.equal("log");
      const values: { series: string; x: number; y: number }[] = spec.data.values;
      expect(new Set(values.map((v) => v.series))).to.deep.equal(new Set(["local", "remote"]));
      expect(Math.min(...values.map((v) => v.x))).to.equal(100);
      expect(Math.max(...values.map((v) => v.x))).to.equal(80000);
      expect(values.every((v) => v.y > 0)).to.equal(true);
      expect(svgs[0]).to.contain("remote");
      expect(svgs[1]).to.contain("object store");
      expect(allStdout(r)).to.match(/remote (wins from n ≈ \d+ on|did not win at any size here)/);
    }
  });
});
