// Everything the cell's code writes to stdout/stderr (console.log included) becomes a
// `stream` output of the cell that is printing.
import { emitOutput } from "./cell-context";

function redirect(stream: NodeJS.WriteStream, name: "stdout" | "stderr"): void {
  stream.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    emitOutput({ msg_type: "stream", content: { name, text } });
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") process.nextTick(done as () => void);
    return true;
  }) as typeof stream.write;
}

export function captureStandardStreams(): void {
  redirect(process.stdout, "stdout");
  redirect(process.stderr, "stderr");
}
