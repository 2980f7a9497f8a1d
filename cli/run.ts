// `tsray run <nb.ipynb> [-o out.ipynb] [--timeout s]`
import { dirname, resolve } from "node:path";
import { launchKernel } from "../client/launch";
import { runNotebook } from "../client/notebook-runner";
import { readNotebook, writeNotebook } from "../client/notebook-file";
import { terminalObserver, chalk, plain } from "./terminal-output";

export interface RunCommandOptions {
  output?: string;
  timeout?: number;
  /** Run past failing cells and exit 0: a walk through a lesson, whose unsolved checks fail. */
  keepGoing?: boolean;
}

function summary(ran: number, failed: number, seconds: string, keepGoing: boolean): string {
  if (failed === 0) return chalk.green(`\nRan ${ran} code cells in ${seconds} s.`);
  if (keepGoing) return chalk.yellow(`\nRan ${ran} code cells in ${seconds} s; ${failed} failed (an exercise's check fails until you solve it).`);
  return chalk.red(`\nStopped: code cell ${ran} failed after ${seconds} s.`);
}

export async function runNotebookCommand(path: string, options: RunCommandOptions): Promise<void> {
  const notebook = readNotebook(path);
  const kernel = await launchKernel({ cwd: dirname(resolve(path)), stderr: "inherit" });
  const observer = terminalObserver();
  try {
    const keepGoing = options.keepGoing ?? false;
    const reports = await runNotebook(kernel.client, notebook, { timeout: options.timeout, observer, allowErrors: keepGoing });
    if (options.output) writeNotebook(options.output, notebook);
    const failed = reports.filter((report) => report.status !== "ok").length;
    const line = summary(reports.length, failed, observer.elapsed().toFixed(1), keepGoing);
    process.stdout.write(plain(line) + (options.output ? ` Wrote ${options.output}.` : "") + "\n");
    process.exitCode = failed > 0 && !keepGoing ? 1 : 0;
  } finally {
    await kernel.shutdown();
  }
}
