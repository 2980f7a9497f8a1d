// Runs a notebook's code cells through a kernel, turning the kernel's messages into
// nbformat outputs as Jupyter would save them.
import type { IOutput } from "@jupyterlab/nbformat";
import type { Message } from "../kernel/protocol/wire";
import type { KernelClient } from "./kernel-client";
import { Cell, Notebook, cellSource, toLines } from "./notebook-file";

export interface CellReport {
  index: number;
  cell: Cell;
  status: "ok" | "error" | "aborted";
  executionCount: number | null;
  outputs: IOutput[];
  seconds: number;
  /** Whether the cell ran past `timeout` and was sent an interrupt. */
  interrupted: boolean;
}

export interface RunObserver {
  cellStarted?(index: number, codeCellNumber: number, codeCellCount: number, cell: Cell): void;
  output?(message: Message): void;
  cellFinished?(report: CellReport): void;
}

export interface RunOptions {
  /** Seconds a cell may run before it is interrupted. */
  timeout?: number;
  /** Keep going after a failing cell (grading); otherwise stop at the first. */
  allowErrors?: boolean;
  /** Characters of stream text kept per cell; what comes after is dropped (a cell printing gigabytes). */
  maxStreamChars?: number;
  observer?: RunObserver;
}

/** Collects one cell's outputs, applying clear_output and update_display_data. */
class OutputCollector {
  readonly outputs: IOutput[] = [];
  private clearOnNext = false;
  private streamChars = 0;
  private truncated = false;

  constructor(private readonly maxStreamChars = Infinity) {}

  /** Stream text within the cell's allowance: the part that fits, then one note that the rest was dropped. */
  private allowed(text: string): string | null {
    if (this.truncated) return null;
    const room = this.maxStreamChars - this.streamChars;
    if (text.length <= room) {
      this.streamChars += text.length;
      return text;
    }
    this.truncated = true;
    return `${text.slice(0, Math.max(0, room))}\n[tsray: output cut off after ${this.maxStreamChars} characters]\n`;
  }

  add(message: Message): void {
    const type = message.header.msg_type;
    const c = message.content;
    if (type === "clear_output") {
      if (c.wait) this.clearOnNext = true;
      else this.outputs.length = 0;
      return;
    }
    if (type === "update_display_data") return this.update(c);
    const output = toOutput(type, c);
    if (!output) return;
    if (output.output_type === "stream") {
      const text = this.allowed(String(output.text));
      if (text === null) return;
      output.text = text;
    }
    if (this.clearOnNext) {
      this.outputs.length = 0;
      this.clearOnNext = false;
    }
    const last = this.outputs[this.outputs.length - 1];
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
      last.text = String(last.text) + String(output.text);
      return;
    }
    this.outputs.push(output);
  }

  private update(content: Record<string, any>): void {
    const id = content.transient?.display_id;
    for (const output of this.outputs) {
      if (output.output_type === "display_data" && (output as any).__display_id === id) {
        output.data = content.data;
        output.metadata = content.metadata ?? {};
      }
    }
  }

  /** The outputs as saved: display ids are a live-session detail and are dropped. */
  saved(): IOutput[] {
    return this.outputs.map((output) => {
      const { __display_id, ...rest } = output as IOutput & { __display_id?: string };
      if (rest.output_type === "stream") rest.text = toLines(String(rest.text));
      return rest as IOutput;
    });
  }
}

function toOutput(type: string, c: Record<string, any>): IOutput | null {
  switch (type) {
    case "stream":
      return { output_type: "stream", name: c.name, text: c.text };
    case "display_data":
      return { output_type: "display_data", data: c.data, metadata: c.metadata ?? {}, __display_id: c.transient?.display_id };
    case "execute_result":
      return { output_type: "execute_result", data: c.data, metadata: c.metadata ?? {}, execution_count: c.execution_count };
    case "error":
      return { output_type: "error", ename: c.ename, evalue: c.evalue, traceback: c.traceback };
    default:
      return null;
  }
}

/** Runs one cell; the outputs as they would be saved. */
export async function runCell(client: KernelClient, code: string, options: RunOptions): Promise<Omit<CellReport, "index" | "cell">> {
  const collector = new OutputCollector(options.maxStreamChars);
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    void client.request("control", "interrupt_request", {});
  };
  // The clock starts when the kernel starts the cell (execute_input), not while it queues.
  const startClock = () => {
    if (options.timeout === undefined || timer) return;
    timer = setTimeout(interrupt, options.timeout * 1000);
  };
  try {
    const { reply } = await client.execute(code, {
      stopOnError: !options.allowErrors,
      keepMessages: false,
      onMessage: (message) => {
        startClock();
        collector.add(message);
        options.observer?.output?.(message);
      },
    });
    return {
      status: reply.content.status,
      executionCount: reply.content.execution_count ?? null,
      outputs: collector.saved(),
      seconds: (performance.now() - started) / 1000,
      interrupted,
    };
  } finally {
    clearTimeout(timer);
  }
}

export function codeCellIndexes(notebook: Notebook): number[] {
  return notebook.cells.flatMap((cell, index) => (cell.cell_type === "code" ? [index] : []));
}

/** Runs every code cell in order and writes the outputs into `notebook`. */
export async function runNotebook(client: KernelClient, notebook: Notebook, options: RunOptions = {}): Promise<CellReport[]> {
  const indexes = codeCellIndexes(notebook);
  const reports: CellReport[] = [];
  for (const [n, index] of indexes.entries()) {
    const cell = notebook.cells[index];
    options.observer?.cellStarted?.(index, n + 1, indexes.length, cell);
    const result = await runCell(client, cellSource(cell), options);
    Object.assign(cell, { outputs: result.outputs, execution_count: result.executionCount });
    const report = { index, cell, ...result };
    reports.push(report);
    options.observer?.cellFinished?.(report);
    if (report.status !== "ok" && !options.allowErrors) break;
  }
  return reports;
}
