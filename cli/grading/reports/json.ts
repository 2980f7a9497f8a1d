// `tsray grade --json`: one object per submission, as API.md section 5 fixes it.
import type { SubmissionGrade } from "../scoring";

export function jsonReport(grades: SubmissionGrade[]): string {
  return JSON.stringify(grades, null, 2) + "\n";
}
