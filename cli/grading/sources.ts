// Where a submission's checks come from: the lesson given with --source, or else the lesson
// of tsray's notebooks/ with the submission's file name (a student hands in their copy of
// 02-Task-Parallelism-Part1.ipynb). Each source is read once, however many submissions use it.
import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { Notebook, NotebookFileError, readNotebook } from "../../client/notebook-file";
import { SourceCheck, sourceChecks } from "./lesson-cells";

const LESSONS = resolve(__dirname, "../../../notebooks");

export interface Source {
  path: string;
  notebook: Notebook;
  checks: SourceCheck[];
}

export class Sources {
  private readonly read = new Map<string, Source>();

  constructor(private readonly given: string | undefined) {}

  /** The source for a submission; a NotebookFileError says why there is none. */
  for(submission: string): Source {
    return this.load(this.given ?? this.lessonNamedLike(submission));
  }

  load(path: string): Source {
    const key = resolve(path);
    let source = this.read.get(key);
    if (!source) {
      const notebook = readNotebook(path);
      source = { path, notebook, checks: sourceChecks(notebook, path) };
      this.read.set(key, source);
    }
    return source;
  }

  private lessonNamedLike(submission: string): string {
    const lesson = resolve(LESSONS, basename(submission));
    if (!existsSync(lesson)) {
      throw new NotebookFileError(`no lesson is named like ${submission}: say which lesson's checks to use with --source LESSON.ipynb`);
    }
    return lesson;
  }
}
