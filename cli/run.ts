// `tsray run <nb.ipynb> [-o out.ipynb] [--timeout s]`
import { dirname, resolve } from "node:path";
import { launchKernel } from "../client/launch";
import { runNotebook } from "../client/notebook-runner";
import { readNotebook, writeNotebook } from "./notebook-file";
import { terminalObserver, chalk, plain } from "./terminal-output";

export interface RunCommandOptions {
  output?: string;
  timeout?: number;
}

export async function runNotebookCommand(path: string, options: RunCommandOptions): Promise<void> {
  const notebook = readNotebook(path);
  const kernel = await launchKernel({ cwd: dirname(resolve(path)), stderr: "inherit" });
  const observer = terminalObserver();
  try {
    const reports = await runNotebook(kernel.client, notebook, { timeout: options.timeout, observer });
    if (options.output) writeNotebook(options.output, notebook);
    const failed = reports.find((report) => report.status !== "ok");
    const summary = failed
      ? chalk.red(`\nStopped: code cell ${reports.length} failed after ${observer.elapsed().toFixed(1)} s.`)
      : chalk.green(`\nRan ${reports.length} code cells in ${observer.elapsed().toFixed(1)} s.`);
    process.stdout.write(plain(summary) + (options.output ? ` Wrote ${options.output}.` : "") + "\n");
    process.exitCode = failed ? 1 : 0;
  } finally {
    await kernel.shutdown();
  }
}
