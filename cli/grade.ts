// `tsray grade <nb.ipynb...> [--json] [--timeout s]`: runs each notebook through a fresh
// kernel, every cell even after errors, and reports each exercise as passed or failed
// with its check's message. Exit 1 if any exercise fails.
import { basename, dirname, resolve } from "node:path";
import { launchKernel } from "../client/launch";
import { CellReport, codeCellIndexes, runNotebook } from "../client/notebook-runner";
import { checkCells, grade, GradeReport, totalsOf } from "./grading";
import { Notebook, readNotebook } from "../client/notebook-file";
import { chalk, plain } from "./terminal-output";

export interface GradeCommandOptions {
  json?: boolean;
  timeout?: number;
}

/** A cell that runs longer is interrupted, so one stuck exercise cannot hang the grader. */
export const DEFAULT_CELL_TIMEOUT = 300;

/**
 * One status line on stderr, rewritten in place on a terminal (so the elapsed time ticks
 * during long cells); when stderr is piped, just a line per notebook.
 */
function progressLine(path: string, codeCells: number) {
  const live = Boolean(process.stderr.isTTY);
  const started = performance.now();
  let cell = 0;
  const draw = () => {
    const elapsed = ((performance.now() - started) / 1000).toFixed(1);
    process.stderr.write(`\r\x1b[Kgrading ${basename(path)}: cell ${cell}/${codeCells}, ${elapsed} s`);
  };
  const timer = live ? setInterval(draw, 500) : undefined;
  if (!live) process.stderr.write(`grading ${path} (${codeCells} code cells)\n`);
  return {
    cellStarted(n: number) {
      cell = n;
      if (live) draw();
    },
    done() {
      clearInterval(timer);
      if (live) process.stderr.write("\r\x1b[K");
    },
  };
}

async function runForGrading(path: string, notebook: Notebook, timeout: number): Promise<CellReport[]> {
  const kernel = await launchKernel({ cwd: dirname(resolve(path)) });
  const progress = progressLine(path, codeCellIndexes(notebook).length);
  try {
    return await runNotebook(kernel.client, notebook, {
      timeout,
      allowErrors: true,
      observer: { cellStarted: (_index, n) => progress.cellStarted(n) },
    });
  } finally {
    progress.done();
    await kernel.shutdown();
  }
}

function printReport(report: GradeReport): void {
  const lines = [chalk.bold(report.notebook)];
  for (const exercise of report.exercises) {
    lines.push(exercise.passed ? chalk.green(`  ✓ ${exercise.name}: passed`) : chalk.red(`  ✗ ${exercise.name}: ${exercise.message}`));
  }
  const { passed, total } = report.totals;
  lines.push((passed === total ? chalk.green : chalk.red)(`  ${passed} of ${total} exercises passed`));
  process.stdout.write(plain(lines.join("\n")) + "\n");
}

export async function gradeCommand(paths: string[], options: GradeCommandOptions): Promise<void> {
  // Every notebook is read and checked for exercises before any runs, so a typo in the
  // last path fails at once rather than after minutes of grading the others.
  const notebooks = paths.map((path) => {
    const notebook = readNotebook(path);
    return { path, notebook, checks: checkCells(notebook, path) };
  });
  const reports: GradeReport[] = [];
  for (const { path, notebook, checks } of notebooks) {
    const cellReports = await runForGrading(path, notebook, options.timeout ?? DEFAULT_CELL_TIMEOUT);
    const report = grade(path, checks, cellReports);
    reports.push(report);
    if (!options.json) printReport(report);
  }
  const totals = totalsOf(reports.map((report) => report.exercises));
  if (options.json) process.stdout.write(JSON.stringify({ notebooks: reports, totals }, null, 2) + "\n");
  process.exitCode = totals.failed > 0 ? 1 : 0;
}
