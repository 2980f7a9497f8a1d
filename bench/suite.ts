// What a benchmark module gives main.ts: a name, a run that measures, and a report
// (a table to print and a JSON document to keep in bench-results/<name>.json).

export interface SuiteReport {
  /** Column headings of the printed table. */
  headers: string[];
  /** One row per metric; cells are already formatted. */
  rows: string[][];
  /** Lines printed under the table (what was measured, caveats). */
  notes: string[];
  /** Everything measured, raw samples included. */
  json: unknown;
}

export interface BenchSuite {
  /** Short identifier: names the results file and is used to pick suites on the command line. */
  name: string;
  title: string;
  run(log: (line: string) => void): Promise<SuiteReport>;
}
