// The executor's messages to the kernel, in the order they were made, with the cell's
// stream text batched: one message a `console.log` made 100,000 lines 100,000 iopub
// messages, more than a Jupyter client reads in minutes. Consecutive text of one cell and
// one stream travels as one message; any other message (a display, an error, the cell's
// reply, the other stream) first sends the text before it, so the order stays as printed.
import type { CellOutput, ChildMessage } from "./ipc";

type StreamOutput = Extract<CellOutput, { msg_type: "stream" }>;

/** Text waits at most this long, so that output still shows up while a cell runs. */
const BATCH_MS = 50;
/** And a batch holds at most this much. */
const BATCH_MAX_CHARS = 256 * 1024;

let batch: { cell: number; name: StreamOutput["content"]["name"]; texts: string[]; chars: number } | null = null;
let timer: NodeJS.Timeout | null = null;
let lastSentAt = 0;

export function sendToKernel(message: ChildMessage): void {
  if (message.kind === "output" && message.output.msg_type === "stream") return addText(message.cell, message.output);
  sendBatch();
  process.send?.(message);
}

function addText(cell: number, { content: { name, text } }: StreamOutput): void {
  if (batch && (batch.cell !== cell || batch.name !== name)) sendBatch();
  batch ??= { cell, name, texts: [], chars: 0 };
  batch.texts.push(text);
  batch.chars += text.length;
  // The first line after a quiet moment goes at once (a cell may print, then compute
  // without yielding, so a timer could not fire); a stream of lines goes in batches.
  if (batch.chars >= BATCH_MAX_CHARS || Date.now() - lastSentAt >= BATCH_MS) sendBatch();
  else timer ??= setTimeout(sendBatch, BATCH_MS);
}

function sendBatch(): void {
  if (timer) clearTimeout(timer);
  timer = null;
  if (!batch) return;
  const { cell, name, texts } = batch;
  batch = null;
  lastSentAt = Date.now();
  process.send?.({ kind: "output", cell, output: { msg_type: "stream", content: { name, text: texts.join("") } } });
}
