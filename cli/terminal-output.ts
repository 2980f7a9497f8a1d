// How `tsray run` and `tsray grade` show a running notebook in a terminal: each cell
// with its number and the elapsed time, then its outputs. Colour only on a terminal.
import chalk from "chalk";
import { stripVTControlCharacters } from "node:util";
import type { Message } from "../kernel/protocol/wire";
import type { RunObserver } from "../client/notebook-runner";
import { cellSource } from "../client/notebook-file";

const useColour = Boolean(process.stdout.isTTY) && chalk.level > 0;

function plain(text: string): string {
  return useColour ? text : stripVTControlCharacters(text);
}

function write(text: string): void {
  process.stdout.write(plain(text));
}

function richSummary(data: Record<string, unknown>): string {
  const text = data["text/plain"];
  const rich = Object.keys(data).filter((mime) => mime !== "text/plain");
  if (typeof text === "string" && !/^<.*>$/.test(text)) return text;
  return chalk.magenta(`[${rich.join(", ") || "output"}]`);
}

/**
 * The progress bar of a long `ray.get` (runtime/progress.ts): redrawn in place on a terminal;
 * elsewhere only its final line. Whether the message was one.
 */
function printProgress(message: Message): boolean {
  const type = message.header.msg_type;
  const text = type === "display_data" || type === "update_display_data" ? message.content.data?.["text/plain"] : undefined;
  if (typeof text !== "string" || !text.startsWith("ray.get: ")) return false;
  const final = !text.startsWith("ray.get: [");
  if (process.stdout.isTTY) write(`\r\x1b[K${chalk.dim(text)}${final ? "\n" : ""}`);
  else if (final) write(`${text}\n`);
  return true;
}

function printMessage(message: Message): void {
  const c = message.content;
  if (printProgress(message)) return;
  switch (message.header.msg_type) {
    case "stream":
      return write(c.name === "stderr" ? chalk.yellow(c.text) : c.text);
    case "execute_result":
      return write(`${chalk.red(`Out[${c.execution_count}]:`)} ${richSummary(c.data)}\n`);
    case "display_data":
      return write(`${richSummary(c.data)}\n`);
    case "update_display_data":
      return write(`${chalk.dim("(updated)")} ${richSummary(c.data)}\n`);
    case "error":
      return write((c.traceback as string[]).join("\n") + "\n");
  }
}

/** Prints cells as they run; `showCode` also prints each cell's source. */
export function terminalObserver(showCode = true): RunObserver & { elapsed(): number } {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  return {
    elapsed,
    cellStarted(_index, n, total, cell) {
      write(chalk.green(`\n[cell ${n}/${total}, ${elapsed().toFixed(1)} s elapsed]\n`));
      if (showCode) write(chalk.dim(cellSource(cell).replace(/^/gm, "  ")) + "\n");
    },
    output: printMessage,
  };
}

export { chalk, plain };
