// `npm run bench`: runs every benchmark suite (or those named on the command line, e.g.
// `node dist/bench/main.js kernel`), prints a table per suite and writes its results to
// bench-results/<suite>.json. A benchmark, not a test: it exits 0 whatever it measured,
// and non-zero only if a suite could not run at all.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { BenchSuite } from "./suite";
import { renderTable } from "./support/table";
import { kernelSuite } from "./kernel";
import { runtimeSuite } from "./runtime";
import { actorSuite } from "./actors";
import { startupSuite } from "./startup";
import { clusterSuite } from "./cluster";

/** Add further runtime benchmarks here. */
export const SUITES: BenchSuite[] = [kernelSuite, runtimeSuite, actorSuite, startupSuite, clusterSuite];

const RESULTS_DIR = resolve(__dirname, "../../bench-results");

async function main(argv: string[]): Promise<number> {
  const wanted = argv.filter((arg) => !arg.startsWith("-"));
  const unknown = wanted.filter((name) => !SUITES.some((suite) => suite.name === name));
  if (unknown.length) {
    console.error(`unknown suite(s): ${unknown.join(", ")}; known: ${SUITES.map((s) => s.name).join(", ")}`);
    return 2;
  }
  const suites = wanted.length ? SUITES.filter((suite) => wanted.includes(suite.name)) : SUITES;
  let failed = 0;
  for (const suite of suites) {
    console.log(`\n== ${suite.title} ==`);
    try {
      const report = await suite.run((line) => console.log(line));
      console.log();
      console.log(renderTable(report.headers, report.rows));
      for (const note of report.notes) console.log(`  ${note}`);
      mkdirSync(RESULTS_DIR, { recursive: true });
      const file = join(RESULTS_DIR, `${suite.name}.json`);
      writeFileSync(file, JSON.stringify(report.json, null, 2) + "\n");
      console.log(`\nresults written to ${file}`);
    } catch (error) {
      failed++;
      console.error(`suite ${suite.name} could not run: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  }
);
