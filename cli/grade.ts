// `tsray grade [--source LESSON.ipynb] SUBMISSION...`: grades submissions against the checks
// of their lesson (grading/ holds the parts: matching cells, the run plan, the bounded run
// in a fresh kernel, scoring, the reports) and writes the reports asked for. Exit 0 when
// every exercise passed, 1 when one failed, 2 when a submission could not be graded.
import { availableParallelism } from "node:os";
import { gradeClass, GradedSubmission } from "./grading/class-runner";
import { Sources } from "./grading/sources";
import { feedbackNames, feedbackNotebook, writeFeedback } from "./grading/reports/feedback";
import { writeGradebook } from "./grading/reports/gradebook";
import { writeGradescope } from "./grading/reports/gradescope";
import { jsonReport } from "./grading/reports/json";
import { terminalSummary } from "./grading/reports/terminal";

export interface GradeCommandOptions {
  source?: string;
  json?: boolean;
  timeout?: number;
  notebookTimeout?: number;
  jobs?: number;
  memory?: number;
  gradebook?: string;
  gradescope?: string;
  feedback?: string;
}

/** A cell that runs longer is interrupted, so one stuck exercise cannot hang the grader. */
export const DEFAULT_CELL_TIMEOUT = 300;
export const DEFAULT_NOTEBOOK_TIMEOUT = 1800;
export const DEFAULT_MEMORY_MB = 2048;
/** Half the CPUs: each kernel runs its cells and, for a lesson's tasks, worker threads too. */
export const defaultJobs = () => Math.max(1, Math.floor(availableParallelism() / 2));

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} wants a number above 0 (got ${value})`);
  return value;
}

function writeReports(graded: GradedSubmission[], options: GradeCommandOptions): void {
  const grades = graded.map(({ grade }) => grade);
  if (options.gradebook) writeGradebook(options.gradebook, grades);
  if (options.gradescope) writeGradescope(options.gradescope, grades[0], graded[0].seconds);
  if (options.feedback) {
    const names = feedbackNames(grades.map((grade) => grade.file));
    graded.forEach(({ grade, run }, i) => run && writeFeedback(options.feedback!, names[i], feedbackNotebook(run.notebook, run.plan, grade)));
  }
}

export async function gradeCommand(files: string[], options: GradeCommandOptions): Promise<void> {
  if (options.gradescope && files.length !== 1) {
    throw new Error(`--gradescope writes the results of one submission (Gradescope grades each student apart); got ${files.length}`);
  }
  const sources = new Sources(options.source);
  if (options.source) sources.load(options.source); // a bad --source fails at once, before any kernel starts
  const jobs = Math.floor(positive("--jobs", options.jobs, defaultJobs()));
  const limits = {
    cellTimeout: positive("--timeout", options.timeout, DEFAULT_CELL_TIMEOUT),
    notebookTimeout: positive("--notebook-timeout", options.notebookTimeout, DEFAULT_NOTEBOOK_TIMEOUT),
    memoryMb: positive("--memory", options.memory, DEFAULT_MEMORY_MB),
  };
  process.stderr.write(`grading ${files.length} submission${files.length === 1 ? "" : "s"}, ${jobs} at a time\n`);
  const graded = await gradeClass(files, { sources, jobs, limits, progress: (line) => process.stderr.write(line + "\n") });
  const grades = graded.map(({ grade }) => grade);
  process.stdout.write(options.json ? jsonReport(grades) : grades.map(terminalSummary).join(""));
  writeReports(graded, options);
  const unreadable = grades.some((grade) => grade.error !== null);
  const failed = grades.some((grade) => grade.exercises.some((exercise) => exercise.status === "failed"));
  process.exitCode = unreadable ? 2 : failed ? 1 : 0;
}
