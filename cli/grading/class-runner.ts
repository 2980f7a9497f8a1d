// Grades a class: each submission read, planned against its source, run in a fresh kernel
// (at most `jobs` at once) and graded. A submission that cannot be read or has no source is
// graded as such (its error says why) and the others carry on; a progress line per
// submission as it finishes.
import type { Notebook } from "../../client/notebook-file";
import { NotebookFileError, readNotebook } from "../../client/notebook-file";
import { mapLimited } from "./job-pool";
import { planRun, RunPlan } from "./run-plan";
import { gradeOf, SubmissionGrade, ungradable } from "./scoring";
import type { Sources } from "./sources";
import { RunLimits, runSubmission } from "./submission-run";

export interface GradedSubmission {
  grade: SubmissionGrade;
  /** The submission and its executed plan; null when it could not be graded. */
  run: { notebook: Notebook; plan: RunPlan } | null;
  seconds: number;
}

export interface ClassOptions {
  sources: Sources;
  jobs: number;
  limits: RunLimits;
  progress(line: string): void;
}

async function gradeOne(file: string, options: ClassOptions): Promise<Omit<GradedSubmission, "seconds">> {
  let notebook: Notebook;
  let plan: RunPlan;
  try {
    notebook = readNotebook(file);
    const source = options.sources.for(file);
    plan = planRun(source.notebook, source.checks, notebook);
  } catch (error) {
    if (!(error instanceof NotebookFileError)) throw error;
    return { grade: ungradable(file, error.message), run: null };
  }
  try {
    const outcomes = await runSubmission(plan, options.limits);
    return { grade: gradeOf(file, plan, outcomes), run: { notebook, plan } };
  } catch (error) {
    return { grade: ungradable(file, `the grader could not run it: ${(error as Error).message}`), run: null };
  }
}

function progressLine(grade: SubmissionGrade, done: number, count: number, seconds: number): string {
  const result = grade.error ? `not graded: ${grade.error}` : `${grade.total} of ${grade.max} points`;
  return `[${done}/${count}] ${grade.file}: ${result} (${seconds.toFixed(1)} s)`;
}

export async function gradeClass(files: string[], options: ClassOptions): Promise<GradedSubmission[]> {
  let done = 0;
  return mapLimited(files, options.jobs, async (file) => {
    const started = performance.now();
    const graded = await gradeOne(file, options);
    const seconds = (performance.now() - started) / 1000;
    options.progress(progressLine(graded.grade, ++done, files.length, seconds));
    return { ...graded, seconds };
  });
}
